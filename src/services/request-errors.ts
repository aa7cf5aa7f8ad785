import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  type FieldViolation,
  FieldViolation_Kind,
  type RequestError,
  RequestError_Reason,
  RequestErrorSchema,
} from "../../gen/floe/v1/common_pb.js";

/** Where a request field was sent. */
export type FieldLocation = "body" | "query" | "path";

/** The JSON types a field can be expected to have. */
export type JsonType = "string" | "integer" | "number" | "boolean" | "object" | "array";

/**
 * InvalidArgument naming one field, with a RequestError detail so that every
 * surface can show it in its own shape (and under its own name for the field).
 * A description that starts with "is required" marks the field as missing,
 * which FastAPI-style surfaces report as such.
 */
export function invalidField(field: string, description: string, location: FieldLocation = "body"): ConnectError {
  const kind = description.startsWith("is required") ? FieldViolation_Kind.MISSING : FieldViolation_Kind.UNSPECIFIED;
  const detail = create(RequestErrorSchema, {
    reason: RequestError_Reason.INVALID_FIELD,
    fieldViolations: [{ field, description, location, kind }],
  });
  return new ConnectError(`${field} ${description}`, Code.InvalidArgument, undefined, [
    { desc: RequestErrorSchema, value: detail },
  ]);
}

/**
 * InvalidArgument for a field of the wrong JSON type; an empty field is the
 * whole body (for example an array where an object belongs).
 */
export function wrongType(
  field: string,
  expectedType: JsonType,
  location: FieldLocation = "body",
  got = "",
): ConnectError {
  const article = /^[aeiou]/.test(expectedType) ? "an" : "a";
  const want = expectedType === "boolean" ? "true or false" : `${article} ${expectedType}`;
  const description = `must be ${want}${got ? `, got ${got}` : ""}`;
  const detail = create(RequestErrorSchema, {
    reason: RequestError_Reason.INVALID_FIELD,
    fieldViolations: [{ field, description, location, kind: FieldViolation_Kind.WRONG_TYPE, expectedType }],
  });
  const subject = field ? (location === "query" ? `query parameter ${field}` : field) : "request body";
  return new ConnectError(`${subject} ${description}`, Code.InvalidArgument, undefined, [
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

export { FieldViolation_Kind, RequestError_Reason };
