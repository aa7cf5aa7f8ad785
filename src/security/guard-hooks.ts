import type { Interceptor } from "@connectrpc/connect";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { RequestGuards } from "./request-guards.js";

/** API-key auth for every call through an interceptor chain: Connect, gRPC and the legacy routes. */
export function authInterceptor(guards: RequestGuards): Interceptor {
  return (next) => async (req) => {
    // The request's headers are built lazily on the fast path: only read them when a key is needed.
    guards.authenticate(req.service.typeName, () => req.header);
    return next(req);
  };
}

/** The Host-header guard as a fastify onRequest hook: refuses before any route runs. */
export function hostGuardHook(guards: RequestGuards) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const host = (req.headers[":authority"] as string | undefined) ?? req.headers.host;
    if (!guards.hostAllowed(host)) {
      await reply
        .code(403)
        .send({ error: `Host ${JSON.stringify(host)} is not allowed while Floe is bound to loopback` });
    }
  };
}
