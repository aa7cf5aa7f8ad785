import { RequestError_Reason } from "../../services/request-errors.js";
import { type ErrorTable, LEGACY_CODES, statusFor } from "../error-table.js";
import { validationDetail } from "./validation-detail.js";

/**
 * Penguin answers as FastAPI does: `{"detail": "..."}` with the status, and
 * for a request that fails validation (422) `{"detail": [{loc, msg, type}]}`.
 */
export const PENGUIN_ERRORS: ErrorTable = {
  codes: LEGACY_CODES,
  reasons: {
    [RequestError_Reason.MALFORMED_BODY]: 422,
    [RequestError_Reason.INVALID_FIELD]: 422,
    [RequestError_Reason.INVALID_VALUE]: 400,
    [RequestError_Reason.UNSUPPORTED_MEDIA_TYPE]: 415,
    [RequestError_Reason.BODY_TOO_LARGE]: 413,
    [RequestError_Reason.CONFLICT]: 409,
  },
  body: (err) => ({ detail: statusFor(PENGUIN_ERRORS, err) === 422 ? validationDetail(err) : err.rawMessage }),
};
