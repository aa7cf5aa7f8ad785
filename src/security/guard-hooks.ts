import type { Interceptor } from "@connectrpc/connect";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { RequestGuards } from "./request-guards.js";

/** API-key auth for every call through an interceptor chain: Connect, gRPC and the legacy routes. */
export function authInterceptor(guards: RequestGuards): Interceptor {
  return (next) => async (req) => {
    guards.authenticate(req.service.typeName, req.header);
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
