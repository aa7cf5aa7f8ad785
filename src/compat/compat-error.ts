import { Code, ConnectError } from "@connectrpc/connect";
import { codeToHttpStatus } from "@connectrpc/connect/protocol-connect";
import type { FastifyReply } from "fastify";

export type ErrorStyle = "penguin" | "pawan";

/** A request body that does not match the documented shape (FastAPI answers these with 422). */
export class BodyError extends ConnectError {
  // ConnectError's Symbol.hasInstance accepts any ConnectError, so `instanceof BodyError` cannot tell them apart.
  readonly httpStatus: number = 422;
  constructor(message: string) {
    super(message, Code.InvalidArgument);
  }
}

/** HTTP status of an error on the legacy surfaces (DESIGN.md, principle 3). */
export function statusOf(err: ConnectError): number {
  const explicit = (err as ConnectError & { httpStatus?: number }).httpStatus;
  if (explicit) return explicit;
  if (err.code === Code.FailedPrecondition || err.code === Code.Aborted) return 409;
  if (err.code === Code.Canceled) return 499;
  return codeToHttpStatus(err.code);
}

/** Penguin answers `{"detail": "..."}`, Pawan `{"error": "..."}`. */
export function sendCompatError(reply: FastifyReply, style: ErrorStyle, e: unknown): FastifyReply {
  const err = ConnectError.from(e);
  const message = err.rawMessage;
  return reply
    .code(statusOf(err))
    .type("application/json")
    .send(style === "penguin" ? { detail: message } : { error: message });
}

/** Maps fastify's own request errors (bad JSON, wrong media type, size) onto codes. */
export function fastifyErrorToConnect(err: Error & { statusCode?: number; code?: string }): ConnectError {
  if (err instanceof ConnectError) return err;
  switch (err.statusCode) {
    case 413:
      return new ConnectError(`request body too large: ${err.message}`, Code.ResourceExhausted);
    case 415:
      return Object.assign(
        new ConnectError(`unsupported content type: send application/json (${err.message})`, Code.InvalidArgument),
        { httpStatus: 415 },
      );
    case 400:
      return new ConnectError(`malformed request: ${err.message}`, Code.InvalidArgument);
    default:
      return (err.statusCode ?? 500) < 500
        ? new ConnectError(err.message, Code.InvalidArgument)
        : new ConnectError(err.message, Code.Internal);
  }
}
