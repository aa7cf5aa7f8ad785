import fastifyWebsocket from "@fastify/websocket";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { FloeConfig } from "../config/floe-config.js";
import type { InProcessInvoker } from "../server/in-process-invoker.js";
import { isLoopbackHost } from "../server/loopback.js";
import { FLOE_VERSION } from "../version.js";
import { fastifyErrorToConnect, sendCompatError } from "./compat-error.js";
import { CompatRouter } from "./compat-router.js";
import { registerDocsPages } from "./docs-pages.js";
import { buildOpenApi } from "./openapi.js";
import { registerPawan } from "./pawan/routes.js";
import { registerPenguinChatSocket } from "./penguin/chat-socket.js";
import { registerPenguinRest } from "./penguin/rest-routes.js";

/**
 * WebSocket pages may only be opened from an allowed origin: no Origin (not a
 * browser), a loopback origin, the server's own host, or one of the configured
 * CORS origins (`*` allows any).
 */
export function websocketOriginCheck(config: FloeConfig): (req: FastifyRequest) => boolean {
  return (req) => {
    const origin = req.headers.origin;
    if (!origin) return true;
    if (config.corsOrigins.includes("*") || config.corsOrigins.includes(origin)) return true;
    try {
      const u = new URL(origin);
      return isLoopbackHost(u.hostname) || u.host === req.headers.host;
    } catch {
      return false;
    }
  };
}

/** The Penguin and Pawan surfaces, and their OpenAPI document and pages. */
export async function registerCompat(
  fastify: FastifyInstance,
  invoker: InProcessInvoker,
  config: FloeConfig,
): Promise<void> {
  await fastify.register(fastifyWebsocket, { options: { maxPayload: config.maxBodyBytes } });
  const router = new CompatRouter();
  await fastify.register(async (scope) => {
    // JSON only: anything else is 415, not a string body.
    scope.removeContentTypeParser(["text/plain"]);
    scope.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
      const penguin = req.url.startsWith("/api/v1");
      const e = fastifyErrorToConnect(err);
      // FastAPI answers undecodable JSON with 422; Axum (Pawan) with 400.
      if (penguin && err.statusCode === 400) Object.assign(e, { httpStatus: 422 });
      return sendCompatError(reply, penguin ? "penguin" : "pawan", e);
    });
    registerPenguinRest(scope, router, invoker);
    registerPawan(scope, router, invoker);
    registerPenguinChatSocket(scope, invoker, websocketOriginCheck(config));
  });
  await registerDocsPages(fastify, buildOpenApi(router.docs, FLOE_VERSION));
}
