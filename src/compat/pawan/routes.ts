import { Code, ConnectError } from "@connectrpc/connect";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ChatService } from "../../../gen/floe/v1/chat_pb.js";
import { ConversationService } from "../../../gen/floe/v1/conversation_pb.js";
import { HealthService } from "../../../gen/floe/v1/health_pb.js";
import { ModelService } from "../../../gen/floe/v1/model_pb.js";
import { PeerService } from "../../../gen/floe/v1/peer_pb.js";
import type { InProcessInvoker } from "../../server/in-process-invoker.js";
import { BodyError } from "../compat-error.js";
import type { CompatRouter } from "../compat-router.js";
import { bodyObject } from "../request-json.js";
import { resumeEnd } from "../resume-end.js";
import { openSse, pawanSse } from "./sse-stream.js";

const chatBody = {
  type: "object",
  properties: { session_id: { type: "string" }, message: { type: "string" }, model: { type: "string" } },
  required: ["message"],
};

function chatInput(req: FastifyRequest) {
  const body = bodyObject(req);
  const message = body.message;
  if (typeof message !== "string" || !message.trim()) throw new BodyError("message is required: a non-empty string");
  for (const f of ["session_id", "model"] as const) {
    if (body[f] !== undefined && body[f] !== null && typeof body[f] !== "string")
      throw new BodyError(`${f} must be a string`);
  }
  const sessionId = (body.session_id as string | undefined)?.trim() ?? "";
  return {
    text: message,
    conversationId: sessionId,
    createConversation: sessionId !== "",
    model: (body.model as string | undefined) ?? "",
  };
}

/** Pawan's routes, served at the root and under /api (the released binary uses /api). */
export function registerPawan(fastify: FastifyInstance, router: CompatRouter, inv: InProcessInvoker): void {
  for (const prefix of ["", "/api"]) {
    const add = (spec: Parameters<CompatRouter["add"]>[2]) =>
      router.add(fastify, "pawan", { ...spec, url: `${prefix}${spec.url}` });

    add({
      method: "GET",
      url: "/health",
      tag: "pawan",
      summary: "Liveness, version, uptime and agent id",
      response: {
        type: "object",
        properties: {
          status: { type: "string" },
          version: { type: "string" },
          uptime_secs: { type: "integer" },
          agent_id: { type: "string" },
        },
      },
      async handler(req, reply) {
        const h = await inv.unary(HealthService.method.getHealth, {}, req, reply);
        return { status: h.status, version: h.version, uptime_secs: Number(h.uptimeSecs), agent_id: h.agentId };
      },
    });

    add({
      method: "GET",
      url: "/agents",
      tag: "pawan",
      summary: "This agent and its Aegis peers",
      response: { type: "object", properties: { self: { type: "string" }, peers: { type: "array" } } },
      async handler(req, reply) {
        const r = await inv.unary(PeerService.method.listPeers, {}, req, reply);
        return {
          self: r.selfId,
          peers: r.peers.map((p) => ({ name: p.name, agent_id: p.agentId, ip: p.ip, groups: p.groups })),
        };
      },
    });

    add({
      method: "GET",
      url: "/models",
      tag: "pawan",
      summary: "Configured models",
      response: { type: "object", properties: { models: { type: "array" } } },
      async handler(req, reply) {
        const r = await inv.unary(ModelService.method.listModels, {}, req, reply);
        return {
          models: r.models.map((m) => ({
            name: m.config!.name,
            provider: m.config!.provider,
            is_default: m.isDefault,
          })),
        };
      },
    });

    add({
      method: "POST",
      url: "/chat",
      tag: "pawan",
      summary: "Run the agent on a message (non-streaming)",
      body: chatBody,
      response: {
        type: "object",
        properties: {
          session_id: { type: "string" },
          content: { type: "string" },
          iterations: { type: "integer" },
          tool_calls: { type: "integer" },
        },
      },
      async handler(req, reply) {
        const r = await inv.unary(ChatService.method.sendMessage, { chat: chatInput(req) }, req, reply);
        if (r.status === "error" || r.status === "cancelled") {
          throw Object.assign(new ConnectError(`Failed to execute agent: run ${r.status}`, Code.Internal), {
            httpStatus: 500,
          });
        }
        return { session_id: r.conversationId, content: r.response, iterations: r.iterations, tool_calls: r.toolCalls };
      },
    });

    add({
      method: "POST",
      url: "/chat/stream",
      tag: "pawan",
      summary:
        "Run the agent and stream Server-Sent Events (token, tool_start, tool_complete, done, error); Last-Event-ID resumes",
      body: chatBody,
      produces: "text/event-stream",
      handler: (req, reply) => streamChat(inv, req, reply),
    });

    add({
      method: "GET",
      url: "/sessions",
      tag: "pawan",
      summary: "List sessions",
      response: { type: "array", items: { type: "object" } },
      async handler(req, reply) {
        const r = await inv.unary(ConversationService.method.listConversations, { limit: 1000 }, req, reply);
        return r.conversations.map((c) => ({
          id: c.id,
          model: c.model,
          created_at: c.createdAt,
          updated_at: c.updatedAt,
          message_count: c.messageCount,
        }));
      },
    });

    add({
      method: "GET",
      url: "/sessions/:id",
      tag: "pawan",
      summary: "A session with its messages",
      response: { type: "object", properties: { id: { type: "string" }, messages: { type: "array" } } },
      async handler(req, reply) {
        const { id } = req.params as { id: string };
        const r = await inv.unary(ConversationService.method.getConversation, { conversationId: id }, req, reply);
        const c = r.conversation!;
        return {
          id: c.id,
          model: c.model,
          created_at: c.createdAt,
          updated_at: c.updatedAt,
          messages: r.messages.map((m) => ({
            role: m.role,
            content: m.content,
            timestamp: m.timestamp,
            ...(m.toolCalls.length ? { tool_calls: m.toolCalls } : {}),
          })),
        };
      },
    });

    add({
      method: "POST",
      url: "/sessions",
      tag: "pawan",
      summary: "Create a session",
      response: { type: "object", properties: { session_id: { type: "string" } } },
      async handler(req, reply) {
        const r = await inv.unary(ConversationService.method.createConversation, { name: "Pawan session" }, req, reply);
        return { session_id: r.conversation!.id };
      },
    });

    add({
      method: "DELETE",
      url: "/sessions/:id",
      tag: "pawan",
      summary: "Delete a session",
      status: 204,
      async handler(req, reply) {
        const { id } = req.params as { id: string };
        await inv.unary(ConversationService.method.deleteConversation, { conversationId: id }, req, reply);
        return reply.code(204).send();
      },
    });
  }
}

/**
 * POST /chat/stream. A new request starts a run and streams it. A request
 * with Last-Event-ID (and the session_id) resumes instead: it replays what
 * came after that id and follows the run to its end.
 */
async function streamChat(inv: InProcessInvoker, req: FastifyRequest, reply: FastifyReply): Promise<undefined> {
  const lastEventId = req.headers["last-event-id"];
  const input = chatInputOrResume(req, typeof lastEventId === "string" ? lastEventId : undefined);
  const abort = new AbortController();
  // The response closing means the client went away (a request's own 'close' fires once its body is read).
  reply.raw.once("close", () => abort.abort());
  let stream: AsyncIterable<{ event?: import("../../../gen/floe/v1/events_pb.js").Event }>;
  if ("resume" in input) {
    stream = inv.stream(
      ChatService.method.subscribe,
      { conversationId: input.resume.sessionId, afterSeq: BigInt(input.resume.afterSeq) },
      req,
      reply,
      abort.signal,
    );
  } else {
    stream = inv.stream(ChatService.method.streamMessage, { chat: input }, req, reply, abort.signal);
  }
  const iterator = stream[Symbol.asyncIterator]();
  // Errors before the first event (validation, unknown session) keep their JSON shape and status.
  const first = await iterator.next();
  const write = openSse(reply);
  const toolCalls = { n: 0 };
  const end = "resume" in input ? resumeEnd(BigInt(input.resume.afterSeq)) : undefined;
  try {
    for (let r = first; !r.done; r = await iterator.next()) {
      const e = r.value.event;
      if (!e) continue;
      const frame = pawanSse(e, toolCalls);
      if (frame) write(frame);
      if (end?.(e)) break;
    }
  } catch (e) {
    write(pawanSse({ kind: { case: "error", value: { message: (e as Error).message } } } as never, toolCalls)!);
  } finally {
    abort.abort();
    reply.raw.end();
  }
  return undefined;
}

function chatInputOrResume(req: FastifyRequest, lastEventId: string | undefined) {
  if (lastEventId === undefined) return chatInput(req);
  const seq = Number(lastEventId);
  if (!Number.isInteger(seq) || seq < 0)
    throw new BodyError(`Last-Event-ID must be a non-negative integer, got ${JSON.stringify(lastEventId)}`);
  const sessionId = bodyObject(req).session_id;
  if (typeof sessionId !== "string" || !sessionId)
    throw new BodyError("session_id is required to resume with Last-Event-ID");
  return { resume: { sessionId, afterSeq: seq } };
}
