import type { ConnectError } from "@connectrpc/connect";
import { fieldViolationOf, RequestError_Reason } from "../../services/request-errors.js";
import { type ErrorTable, LEGACY_CODES } from "../error-table.js";

/** Pawan's names for the proto fields its bodies carry under other names. */
const PAWAN_FIELD: Record<string, string> = { text: "message", conversation_id: "session_id" };

/** An error's message with the field named as a Pawan client sent it. */
export function pawanMessage(err: ConnectError): string {
  const v = fieldViolationOf(err);
  const name = v && PAWAN_FIELD[v.field];
  return name ? `${name} ${v.description}` : err.rawMessage;
}

/** Pawan answers as Axum does: `{"error": "..."}`, 400 for undecodable JSON, 422 for a missing or mistyped field. */
export const PAWAN_ERRORS: ErrorTable = {
  codes: LEGACY_CODES,
  reasons: {
    [RequestError_Reason.MALFORMED_BODY]: 400,
    [RequestError_Reason.INVALID_FIELD]: 422,
    [RequestError_Reason.INVALID_VALUE]: 400,
    [RequestError_Reason.UNSUPPORTED_MEDIA_TYPE]: 415,
    [RequestError_Reason.BODY_TOO_LARGE]: 413,
  },
  body: (err) => ({ error: pawanMessage(err) }),
};
