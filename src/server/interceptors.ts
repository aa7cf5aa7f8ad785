import { Code, ConnectError, createContextKey, type Interceptor } from "@connectrpc/connect";
import type { FastifyBaseLogger } from "fastify";

/** The request's logger, handed to handlers through contextValues. */
export const kLogger = createContextKey<FastifyBaseLogger | undefined>(undefined, {
  description: "fastify request logger",
});

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
