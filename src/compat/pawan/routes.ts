import { Code, ConnectError } from "@connectrpc/connect";
import type { FastifyInstance } from "fastify";
import { ChatService, RunFailureSchema } from "../../../gen/floe/v1/chat_pb.js";
import { ConversationService } from "../../../gen/floe/v1/conversation_pb.js";
import { HealthService } from "../../../gen/floe/v1/health_pb.js";
import { ModelService } from "../../../gen/floe/v1/model_pb.js";
import { PeerService } from "../../../gen/floe/v1/peer_pb.js";
import type { CompatRouter } from "../compat-router.js";
import type { InProcessInvoker } from "../in-process-invoker.js";
import { SurfaceRoutes } from "../surface-routes.js";
import { pawanChatInput } from "./chat-input.js";
import { streamPawanChat } from "./chat-stream.js";
import { PAWAN_ERRORS } from "./pawan-errors.js";

const chatBody = {
  type: "object",
  properties: { session_id: { type: "string" }, message: { type: "string" }, model: { type: "string" } },
  required: ["message"],
};

/** Pawan's routes, served at the root and under /api (the released binary uses /api). */
export function registerPawan(fastify: FastifyInstance, router: CompatRouter, inv: InProcessInvoker): void {
  for (const prefix of ["", "/api"]) {
    const routes = new SurfaceRoutes(fastify, router, PAWAN_ERRORS, prefix, inv);
    registerInfoRoutes(routes);
    registerChatRoutes(routes);
    registerSessionRoutes(routes);
  }
}

function registerInfoRoutes(routes: SurfaceRoutes): void {
  const inv = routes.inv;
  routes.add({
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
  routes.add({
    method: "GET",
    url: "/agents",
    tag: "pawan",
    summary: "This agent and its Aegis peers",
    response: { type: "object", properties: { self: { type: "string" }, peers: { type: "array" } } },
    async handler(req, reply) {
      const r = await inv.unary(PeerService.method.listPeers, {}, req, reply);
      const peers = r.peers.map((p) => ({ name: p.name, agent_id: p.agentId, ip: p.ip, groups: p.groups }));
      return { self: r.selfId, peers };
    },
  });
  routes.add({
    method: "GET",
    url: "/models",
    tag: "pawan",
    summary: "Configured models",
    response: { type: "object", properties: { models: { type: "array" } } },
    async handler(req, reply) {
      const r = await inv.unary(ModelService.method.listModels, {}, req, reply);
      const models = r.models.map((m) => ({
        name: m.config!.name,
        provider: m.config!.provider,
        is_default: m.isDefault,
      }));
      return { models };
    },
  });
}

function registerChatRoutes(routes: SurfaceRoutes): void {
  const inv = routes.inv;
  routes.add({
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
      const r = await inv
        .unary(ChatService.method.sendMessage, { chat: pawanChatInput(req) }, req, reply)
        .catch((e: unknown) => {
          // Pawan documents a failed run as 500 "Failed to execute agent: <cause>".
          const err = ConnectError.from(e);
          if (err.findDetails(RunFailureSchema).length === 0) throw err;
          throw new ConnectError(`Failed to execute agent: ${err.rawMessage}`, Code.Internal);
        });
      return { session_id: r.conversationId, content: r.response, iterations: r.iterations, tool_calls: r.toolCalls };
    },
  });
  routes.add({
    method: "POST",
    url: "/chat/stream",
    tag: "pawan",
    summary:
      "Run the agent and stream Server-Sent Events (token, tool_start, tool_complete, done, error); Last-Event-ID resumes",
    body: chatBody,
    produces: "text/event-stream",
    handler: (req, reply) => streamPawanChat(inv, req, reply),
  });
}

function registerSessionRoutes(routes: SurfaceRoutes): void {
  const inv = routes.inv;
  routes.add({
    method: "GET",
    url: "/sessions",
    tag: "pawan",
    summary: "List sessions",
    response: { type: "array", items: { type: "object" } },
    async handler(req, reply) {
      const r = await inv.unary(ConversationService.method.listConversations, {}, req, reply);
      return r.conversations.map((c) => ({
        id: c.id,
        model: c.model,
        created_at: c.createdAt,
        updated_at: c.updatedAt,
        message_count: c.messageCount,
      }));
    },
  });
  routes.add({
    method: "GET",
    url: "/sessions/:id",
    tag: "pawan",
    summary: "A session with its messages",
    response: { type: "object", properties: { id: { type: "string" }, messages: { type: "array" } } },
    async handler(req, reply) {
      const { id } = req.params as { id: string };
      const r = await inv.unary(ConversationService.method.getConversation, { conversationId: id }, req, reply);
      const c = r.conversation!;
      const messages = r.messages.map((m) => ({
        role: m.role,
        content: m.content,
        timestamp: m.timestamp,
        ...(m.toolCalls.length ? { tool_calls: m.toolCalls } : {}),
      }));
      return { id: c.id, model: c.model, created_at: c.createdAt, updated_at: c.updatedAt, messages };
    },
  });
  routes.add({
    method: "POST",
    url: "/sessions",
    tag: "pawan",
    summary: "Create a session",
    response: { type: "object", properties: { session_id: { type: "string" } } },
    async handler(req, reply) {
      const r = await inv.unary(ConversationService.method.createConversation, {}, req, reply);
      return { session_id: r.conversation!.id };
    },
  });
  routes.add({
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
