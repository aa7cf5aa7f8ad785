import { Code, ConnectError } from "@connectrpc/connect";
import { codeToHttpStatus } from "@connectrpc/connect/protocol-connect";
import type { FastifyReply } from "fastify";
import { type RequestError_Reason, requestErrorOf } from "../services/request-errors.js";

/**
 * How one legacy surface answers errors: a status per Connect code, refined
 * by the request error's reason (what in the request was wrong), and the
 * surface's body shape. Codes a table does not list take Connect's mapping.
 */
export interface ErrorTable {
  codes: Partial<Record<Code, number>>;
  reasons: Partial<Record<RequestError_Reason, number>>;
  body(err: ConnectError): Record<string, unknown>;
}

/** Statuses both legacy surfaces share (DESIGN.md, principle 3). */
export const LEGACY_CODES: Partial<Record<Code, number>> = {
  [Code.FailedPrecondition]: 409,
  [Code.Aborted]: 409,
  [Code.Canceled]: 499,
};

export function statusFor(table: ErrorTable, err: ConnectError): number {
  const reason = requestErrorOf(err)?.reason;
  return (reason && table.reasons[reason]) || table.codes[err.code] || codeToHttpStatus(err.code);
}

/** Sends anything thrown in the surface's shape. */
export function sendTableError(reply: FastifyReply, table: ErrorTable, e: unknown): FastifyReply {
  const err = ConnectError.from(e);
  // The error's metadata are response headers (WWW-Authenticate on a 401), as Connect sends them.
  err.metadata.forEach((value, key) => void reply.header(key, value));
  return reply.code(statusFor(table, err)).type("application/json").send(table.body(err));
}
