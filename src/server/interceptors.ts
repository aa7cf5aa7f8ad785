import { Code, ConnectError, createContextKey, type Interceptor } from "@connectrpc/connect";
import type { FastifyBaseLogger } from "fastify";
import { adaptStream, CANCELLED } from "../domain/push-stream.js";

/** The request's logger, handed to handlers through contextValues. */
export const kLogger = createContextKey<FastifyBaseLogger | undefined>(undefined, {
  description: "fastify request logger",
});

/**
 * Turns anything thrown into a ConnectError and logs through pino: expected
 * errors at debug, internal ones at error with the stack. connect-fastify
 * would otherwise print them with console.error. A server stream's errors
 * come while its messages are read, after the handler returned: they are
 * normalized there too, so every path answers them alike.
 */
export function errorInterceptor(fallback: FastifyBaseLogger): Interceptor {
  return (next) => async (req) => {
    // Built only when something fails: this runs on every call.
    const fail = (e: unknown) =>
      normalize(e, `${req.service.typeName}/${req.method.name}`, req.contextValues.get(kLogger) ?? fallback);
    try {
      const res = await next(req);
      if (!res.stream) return res;
      return {
        ...res,
        message: adaptStream(res.message, same, (e) => (e === undefined || e === CANCELLED ? e : fail(e))),
      };
    } catch (e) {
      throw fail(e);
    }
  };
}

function normalize(e: unknown, rpc: string, log: FastifyBaseLogger): ConnectError {
  const err = ConnectError.from(e);
  if (err.code === Code.Internal || err.code === Code.Unknown || err.code === Code.DataLoss) {
    log.error({ rpc, err: e }, "rpc failed");
    if (!(e instanceof ConnectError))
      return new ConnectError(`internal error in ${rpc}: ${err.rawMessage}`, Code.Internal);
  } else if (err.code !== Code.Canceled) {
    log.debug({ rpc, code: Code[err.code], msg: err.rawMessage }, "rpc error");
  }
  return err;
}

const same = <T>(x: T): T => x;
