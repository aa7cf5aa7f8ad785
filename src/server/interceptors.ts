import { timingSafeEqual } from "node:crypto";
import { Code, ConnectError, createContextKey, type Interceptor } from "@connectrpc/connect";
import type { FastifyBaseLogger } from "fastify";

/** The request's logger, handed to handlers through contextValues. */
export const kLogger = createContextKey<FastifyBaseLogger | undefined>(undefined, {
  description: "fastify request logger",
});

/** Services that answer without an API key, so probes and tooling work. */
const OPEN_SERVICES = new Set(["grpc.health.v1.Health", "floe.v1.HealthService"]);

/**
 * Turns anything thrown into a ConnectError and logs through pino: expected
 * errors at debug, internal ones at error with the stack. connect-fastify
 * would otherwise print them with console.error.
 */
export function errorInterceptor(fallback: FastifyBaseLogger): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (e) {
      const err = ConnectError.from(e);
      const log = req.contextValues.get(kLogger) ?? fallback;
      const rpc = `${req.service.typeName}/${req.method.name}`;
      if (err.code === Code.Internal || err.code === Code.Unknown || err.code === Code.DataLoss) {
        log.error({ rpc, err: e }, "rpc failed");
        if (!(e instanceof ConnectError))
          throw new ConnectError(`internal error in ${rpc}: ${err.rawMessage}`, Code.Internal);
      } else if (err.code !== Code.Canceled) {
        log.debug({ rpc, code: Code[err.code], msg: err.rawMessage }, "rpc error");
      }
      throw err;
    }
  };
}

/**
 * API-key auth: `Authorization: Bearer KEY` or `X-API-Key: KEY`. With no keys
 * configured it lets everything through (the server then refuses to bind a
 * public address, see startServer).
 */
export function authInterceptor(keys: readonly string[]): Interceptor {
  const accepted = keys.map((k) => Buffer.from(k));
  return (next) => async (req) => {
    if (accepted.length > 0 && !OPEN_SERVICES.has(req.service.typeName) && !isAuthorized(req.header, accepted)) {
      throw new ConnectError(
        "missing or invalid API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
        Code.Unauthenticated,
      );
    }
    return next(req);
  };
}

export function isAuthorized(header: Headers, accepted: readonly Buffer[]): boolean {
  const auth = header.get("authorization");
  const given = auth?.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : header.get("x-api-key")?.trim();
  if (!given) return false;
  const g = Buffer.from(given);
  return accepted.some((k) => k.length === g.length && timingSafeEqual(k, g));
}
