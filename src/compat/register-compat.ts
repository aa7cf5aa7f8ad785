import { Code, ConnectError } from "@connectrpc/connect";
import fastifyWebsocket from "@fastify/websocket";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type RequestGuards, selectSubprotocol } from "../security/index.js";
import {
  type FastifyRequestError,
  fastifyErrorToConnect,
  sendConnectError,
  sendGrpcError,
} from "../server/fast-path/index.js";
import { FLOE_VERSION } from "../version.js";
import { registerAgUi } from "./ag-ui/routes.js";
import { registerA2a } from "./a2a/a2a-routes.js";
import { CompatRouter } from "./compat-router.js";
import { registerDocsPages } from "./docs-pages.js";
import { registerJsonBodyParser } from "./json-body-parser.js";
import { sendTableError } from "./error-table.js";
import type { InProcessInvoker } from "./in-process-invoker.js";
import { buildOpenApi } from "./openapi.js";
import { PAWAN_ERRORS } from "./pawan/pawan-errors.js";
import { registerPawan } from "./pawan/routes.js";
import { registerPenguinChatSocket } from "./penguin/chat-socket.js";
import { registerGitHubWebhook } from "./penguin/github-route.js";
import { registerPenguinEventSockets } from "./penguin/event-sockets.js";
import { registerPenguinTaskSocket } from "./penguin/task-socket.js";
import { PENGUIN_ERRORS } from "./penguin/penguin-errors.js";
import { registerPenguinRest } from "./penguin/rest-routes.js";
import { registerPenguinUpload } from "./penguin/upload-route.js";
import { SurfaceRoutes } from "./surface-routes.js";

export interface CompatOptions {
  invoker: InProcessInvoker;
  guards: RequestGuards;
  maxBodyBytes: number;
  maxUploadBytes: number;
}

/** The Penguin and Pawan surfaces, the AG-UI endpoint, and their OpenAPI document and pages. */
export async function registerCompat(fastify: FastifyInstance, o: CompatOptions): Promise<void> {
  // A client's protocol error (invalid UTF-8, a bad frame) closes its socket: logged once, as a warning.
  const warned = new WeakSet<object>();
  await fastify.register(fastifyWebsocket, {
    options: { maxPayload: o.maxBodyBytes, handleProtocols: selectSubprotocol },
    errorHandler: (error, socket, req) => {
      if (!warned.has(socket)) {
        warned.add(socket);
        req.log.warn({ err: error.message }, "websocket closed after a client error");
      }
      socket.terminate();
    },
  });
  const router = new CompatRouter();
  await fastify.register(async (scope) => {
    // JSON only: anything else is 415, not a string body.
    scope.removeContentTypeParser(["text/plain"]);
    registerJsonBodyParser(scope);
    scope.setErrorHandler((err: FastifyRequestError, req, reply) => {
      return sendTableError(reply, tableFor(req.url), fastifyErrorToConnect(err, o.maxBodyBytes));
    });
    registerPenguinRest(scope, router, o.invoker);
    const penguin = new SurfaceRoutes(scope, router, PENGUIN_ERRORS, "/api/v1", o.invoker);
    await registerPenguinUpload(scope, penguin, o.maxUploadBytes);
    await registerGitHubWebhook(scope, router, o.invoker);
    registerPawan(scope, router, o.invoker);
    registerPenguinChatSocket(scope, o.invoker, o.guards);
    registerPenguinEventSockets(scope, o.invoker, o.guards);
    registerPenguinTaskSocket(scope, o.invoker, o.guards);
    await registerAgUi(scope, router, { invoker: o.invoker, guards: o.guards, maxBodyBytes: o.maxBodyBytes });
  });
  await registerA2a(fastify, o.invoker, o.guards);
  await registerDocsPages(fastify, buildOpenApi(router.docs, FLOE_VERSION));
  // Requests no route takes answer in the shape of the surface their path belongs to: Connect or gRPC for a
  // procedure path, FastAPI's "Not Found" under /api/v1, Pawan's elsewhere.
  fastify.setNotFoundHandler((req, reply) => {
    // A path that exists with other methods is 405 with Allow, as FastAPI and axum answer.
    const allowed = PROCEDURE_PATH.test(req.url) ? [] : router.methodsAt(req.url.split("?")[0]!);
    if (allowed.length === 0) return answerUnrouted(req, reply, new ConnectError("Not Found", Code.NotFound));
    reply.header("allow", allowed.join(", "));
    return reply
      .code(405)
      .type("application/json")
      .send(tableFor(req.url).body(new ConnectError("Method Not Allowed")));
  });
  fastify.setErrorHandler((err: FastifyRequestError, req, reply) =>
    answerUnrouted(req, reply, fastifyErrorToConnect(err, o.maxBodyBytes)),
  );
}

/** `/package.Service/Method`: a Connect or gRPC procedure. */
const PROCEDURE_PATH = /^\/[a-z_][\w.]*\.[A-Z]\w*\/[A-Z]\w*(\?|$)/;

function answerUnrouted(req: FastifyRequest, reply: FastifyReply, err: ConnectError) {
  if (!PROCEDURE_PATH.test(req.url)) return sendTableError(reply, tableFor(req.url), err);
  const unknown = err.code === Code.NotFound;
  const procedureError = unknown
    ? new ConnectError(`unknown procedure ${req.url.split("?")[0]}`, Code.Unimplemented)
    : err;
  if (String(req.headers["content-type"]).startsWith("application/grpc")) return sendGrpcError(reply, procedureError);
  return sendConnectError(reply, procedureError, {});
}

/** Penguin's table for /api/v1, Pawan's for everything else. */
function tableFor(url: string) {
  return url.startsWith("/api/v1") ? PENGUIN_ERRORS : PAWAN_ERRORS;
}
