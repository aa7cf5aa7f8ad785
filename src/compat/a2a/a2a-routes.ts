import { SSE_HEADERS, formatSSEErrorEvent, formatSSEEvent } from "@a2a-js/sdk";
import { LegacyJsonRpcTransportHandler } from "@a2a-js/sdk/compat/v0_3/server";
import { A2A_ERROR_CODE } from "@a2a-js/sdk/errors";
import { JsonRpcTransportHandler, ServerCallContext, validateVersion } from "@a2a-js/sdk/server";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { headersFromNode } from "../../domain/node-headers.js";
import { type RequestGuards, unauthenticated, WWW_AUTHENTICATE } from "../../security/index.js";
import type { InProcessInvoker } from "../in-process-invoker.js";
import { agentCard } from "./agent-card.js";
import { cardFor, sendCard } from "./card-route.js";
import { FloeA2aHandler } from "./floe-a2a-handler.js";
import { errorResponse, parseRequest, requestId, rpcError } from "./json-rpc-envelope.js";
import { openEventStream } from "../open-event-stream.js";

type IdParams = { Params: { id: string } };

/**
 * A2A on Floe's port: each agent's card (the default agent's at the
 * well-known path, so that `ClientFactory.createFromUrl(<server url>)`
 * works) and its JSON-RPC endpoint, A2A 1.0 with the A2A-Version header and
 * 0.3 (message/send, tasks/get, ...) without it. The card is public; the
 * endpoint needs an API key once keys are configured, and the origin guard
 * applies to it as to every route.
 */
export async function registerA2a(
  fastify: FastifyInstance,
  invoker: InProcessInvoker,
  guards: RequestGuards,
): Promise<void> {
  await fastify.register(async (scope) => {
    // The body reaches the route as text: JSON that does not parse is a JSON-RPC parse error, not a 400.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "string" }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) =>
      reply.code(err.statusCode ?? 500).send(rpcError(null, A2A_ERROR_CODE.INVALID_REQUEST, err.message)),
    );
    const card = (agentId: string) => (req: FastifyRequest, reply: FastifyReply) =>
      sendCard(invoker, guards, agentId, req, reply);
    scope.get("/.well-known/agent-card.json", card("default"));
    scope.get<IdParams>("/a2a/agents/:id/.well-known/agent-card.json", (req, reply) => card(req.params.id)(req, reply));
    const rpc = (agentId: string) => (req: FastifyRequest, reply: FastifyReply) =>
      answerRpc({ invoker, guards, agentId }, req, reply);
    scope.post("/a2a", rpc("default"));
    scope.post<IdParams>("/a2a/agents/:id", (req, reply) => rpc(req.params.id)(req, reply));
  });
}

interface Endpoint {
  invoker: InProcessInvoker;
  guards: RequestGuards;
  agentId: string;
}

async function answerRpc(e: Endpoint, req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  if (!e.guards.hasKey(() => headersFromNode(req.headers))) {
    const message = unauthenticated().rawMessage;
    return reply
      .code(401)
      .header("www-authenticate", WWW_AUTHENTICATE)
      .send(rpcError(requestId(req.body), A2A_ERROR_CODE.INVALID_REQUEST, message));
  }
  const parsed = parseRequest(req.body);
  if ("error" in parsed) return reply.send(parsed.error);
  const abort = new AbortController();
  // The response closing means the client went away: its calls stop, its runs go on.
  reply.raw.once("close", () => abort.abort());
  const version = String(req.headers["a2a-version"] ?? "") || "0.3";
  const origin = `${req.protocol}://${req.headers.host ?? "localhost"}`;
  const card = agentCard({ agentId: e.agentId, origin, keysRequired: e.guards.keysRequired });
  try {
    validateVersion(version, card, "JSONRPC");
  } catch (err) {
    return reply.send(errorResponse(parsed.id, JsonRpcTransportHandler.mapToJSONRPCError(err)));
  }
  const handler = new FloeA2aHandler({
    ...e,
    req,
    reply,
    signal: abort.signal,
    card: () => cardFor(e.invoker, e.agentId, origin, e.guards.keysRequired, req, reply),
  });
  const legacy = version === "0.3";
  const transport = legacy ? new LegacyJsonRpcTransportHandler(handler) : new JsonRpcTransportHandler(handler);
  const context = new ServerCallContext({ requestedVersion: version });
  const result = await transport.handle(parsed.request, context);
  if (!isStream(result)) return reply.send(result);
  const mapError = legacy
    ? LegacyJsonRpcTransportHandler.mapToLegacyJSONRPCError
    : JsonRpcTransportHandler.mapToJSONRPCError;
  return streamSse(reply, result, (err) => errorResponse(parsed.id, mapError(err)));
}

function isStream(r: unknown): r is AsyncGenerator<unknown> {
  return typeof (r as AsyncGenerator<unknown> | undefined)?.[Symbol.asyncIterator] === "function";
}

/** SSE of JSON-RPC responses; an error before the first keeps the plain JSON answer, as the SDK's transport does. */
async function streamSse(reply: FastifyReply, stream: AsyncGenerator<unknown>, errorOf: (e: unknown) => unknown) {
  let first: IteratorResult<unknown>;
  try {
    first = await stream.next();
  } catch (err) {
    return reply.send(errorOf(err));
  }
  openEventStream(reply, { ...SSE_HEADERS });
  try {
    for (let r = first; !r.done; r = await stream.next()) reply.raw.write(formatSSEEvent(r.value));
  } catch (err) {
    reply.raw.write(formatSSEErrorEvent(errorOf(err)));
  } finally {
    await stream.return(undefined).catch(() => undefined);
    reply.raw.end();
  }
  return undefined;
}
