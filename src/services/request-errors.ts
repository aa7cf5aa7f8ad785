import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type FieldViolation,
  type RequestError,
  RequestError_Reason,
  RequestErrorSchema,
} from "../../gen/floe/v1/common_pb.js";

/**
 * InvalidArgument naming one field, with a RequestError detail so that every
 * surface can show it in its own shape (and under its own name for the field).
 */
export function invalidField(field: string, description: string): ConnectError {
  const detail = create(RequestErrorSchema, {
    reason: RequestError_Reason.INVALID_FIELD,
    fieldViolations: [{ field, description }],
  });
  return new ConnectError(`${field} ${description}`, Code.InvalidArgument, undefined, [
    { desc: RequestErrorSchema, value: detail },
  ]);
}

/**
 * InvalidArgument for a value that is well-formed but not accepted (a
 * pattern it does not match, an id that names nothing), naming the field.
 * The legacy surfaces answer it with 400, where a missing field is 422.
 */
export function invalidValue(field: string, description: string): ConnectError {
  const detail = create(RequestErrorSchema, {
    reason: RequestError_Reason.INVALID_VALUE,
    fieldViolations: [{ field, description }],
  });
  return new ConnectError(`${field} ${description}`, Code.InvalidArgument, undefined, [
    { desc: RequestErrorSchema, value: detail },
  ]);
}

/** InvalidArgument for a request that could not be decoded or has the wrong media type. */
export function badRequest(
  message: string,
  reason: RequestError_Reason.MALFORMED_BODY | RequestError_Reason.UNSUPPORTED_MEDIA_TYPE,
): ConnectError {
  const detail = create(RequestErrorSchema, { reason });
  return new ConnectError(message, Code.InvalidArgument, undefined, [{ desc: RequestErrorSchema, value: detail }]);
}

/** ResourceExhausted for a body over the limit; the JSON surfaces answer it with 413. */
export function bodyTooLarge(message: string): ConnectError {
  const detail = create(RequestErrorSchema, { reason: RequestError_Reason.BODY_TOO_LARGE });
  return new ConnectError(message, Code.ResourceExhausted, undefined, [{ desc: RequestErrorSchema, value: detail }]);
}

/** InvalidArgument for a body that does not match the documented schema, without one field to name. */
export function invalidBody(message: string): ConnectError {
  const detail = create(RequestErrorSchema, { reason: RequestError_Reason.INVALID_FIELD });
  return new ConnectError(message, Code.InvalidArgument, undefined, [{ desc: RequestErrorSchema, value: detail }]);
}

/**
 * Aborted for a request that conflicts with the current state, listing what
 * is in the way (for example files changed outside the agent); the legacy
 * surfaces answer it with 409.
 */
export function conflict(message: string, conflicts: string[]): ConnectError {
  const detail = create(RequestErrorSchema, { reason: RequestError_Reason.CONFLICT, conflicts });
  return new ConnectError(message, Code.Aborted, undefined, [{ desc: RequestErrorSchema, value: detail }]);
}

/** The RequestError detail of an error, if it has one. */
export function requestErrorOf(err: ConnectError): RequestError | undefined {
  return err.findDetails(RequestErrorSchema)[0];
}

/** The first field violation of an error, if any. */
export function fieldViolationOf(err: ConnectError): FieldViolation | undefined {
  return requestErrorOf(err)?.fieldViolations[0];
}

export { RequestError_Reason };
