import type { FastifyInstance } from "fastify";
import { ChatRequestSchema, ChatService, SendMessageResponseSchema } from "../../../gen/floe/v1/chat_pb.js";
import { ChatMessageSchema } from "../../../gen/floe/v1/common_pb.js";
import {
  ConversationSchema,
  ConversationService,
  CreateConversationRequestSchema,
  GetConversationHistoryResponseSchema,
  ListConversationsResponseSchema,
} from "../../../gen/floe/v1/conversation_pb.js";
import type { CompatRouter } from "../compat-router.js";
import { toDocJson } from "../doc-json.js";
import type { InProcessInvoker } from "../in-process-invoker.js";
import { bodyObject, parseAs, queryBool, queryInt, queryString } from "../request-json.js";
import { SurfaceRoutes } from "../surface-routes.js";
import { registerPenguinAgentRoutes } from "./agent-routes.js";
import { registerPenguinBusRoutes } from "./bus-routes.js";
import { registerPenguinCheckpointRoutes } from "./checkpoint-routes.js";
import { PENGUIN_ERRORS } from "./penguin-errors.js";
import { registerPenguinSecurityRoutes } from "./security-routes.js";
import { registerPenguinSystemRoutes } from "./system-routes.js";
import { registerPenguinTaskRoutes } from "./task-routes.js";

/** A conversation with the aliases Penguin's clients read: `title` for its name, `session_id` for its id. */
const conversationJson = (c: Parameters<typeof toDocJson>[1]) => {
  const doc = toDocJson(ConversationSchema, c);
  return { ...doc, conversation_id: doc.id, session_id: doc.id, title: doc.name };
};

/** Penguin's `/api/v1` REST routes for the capabilities Floe has. */
export function registerPenguinRest(fastify: FastifyInstance, router: CompatRouter, inv: InProcessInvoker): void {
  const routes = new SurfaceRoutes(fastify, router, PENGUIN_ERRORS, "/api/v1", inv);
  registerChatRoutes(routes);
  registerConversationRoutes(routes);
  registerPenguinSystemRoutes(routes);
  registerPenguinAgentRoutes(routes);
  registerPenguinBusRoutes(routes);
  registerPenguinSecurityRoutes(routes);
  registerPenguinTaskRoutes(routes);
  registerPenguinCheckpointRoutes(routes);
}

function registerChatRoutes(r: SurfaceRoutes): void {
  r.add({
    method: "POST",
    url: "/chat/message",
    tag: "chat",
    summary: "Process a chat message (runs the agent and answers when it ends)",
    body: ChatRequestSchema,
    response: SendMessageResponseSchema,
    async handler(req, reply) {
      const chat = parseAs(ChatRequestSchema, bodyObject(req));
      const res = await r.inv.unary(ChatService.method.sendMessage, { chat }, req, reply);
      return toDocJson(SendMessageResponseSchema, res);
    },
  });
}

function registerConversationRoutes(r: SurfaceRoutes): void {
  r.add({
    method: "GET",
    url: "/conversations",
    tag: "conversations",
    summary: "List conversations",
    query: { limit: { type: "integer" }, agent_id: { type: "string" } },
    response: ListConversationsResponseSchema,
    async handler(req, reply) {
      const input = { limit: queryInt(req, "limit", 0), agentId: queryString(req, "agent_id") };
      const res = await r.inv.unary(ConversationService.method.listConversations, input, req, reply);
      return { conversations: res.conversations.map(conversationJson) };
    },
  });
  r.add({
    method: "POST",
    url: "/conversations/create",
    tag: "conversations",
    summary: "Create a conversation",
    body: CreateConversationRequestSchema,
    response: ConversationSchema,
    async handler(req, reply) {
      const input = parseAs(CreateConversationRequestSchema, bodyObject(req));
      const res = await r.inv.unary(ConversationService.method.createConversation, input, req, reply);
      return conversationJson(res.conversation);
    },
  });
  r.add({
    method: "GET",
    url: "/conversations/:conversation_id",
    tag: "conversations",
    summary: "Get a conversation with its messages",
    response: { type: "object", properties: { id: { type: "string" }, messages: { type: "array" } } },
    async handler(req, reply) {
      const { conversation_id } = req.params as { conversation_id: string };
      const input = { conversationId: conversation_id };
      const res = await r.inv.unary(ConversationService.method.getConversation, input, req, reply);
      return {
        ...conversationJson(res.conversation),
        messages: res.messages.map((m) => toDocJson(ChatMessageSchema, m)),
      };
    },
  });
  r.add({
    method: "GET",
    url: "/conversations/:conversation_id/history",
    tag: "conversations",
    summary: "Get a conversation's message history",
    query: {
      include_system: { type: "boolean" },
      limit: { type: "integer" },
      agent_id: { type: "string" },
      channel: { type: "string" },
      message_type: { type: "string" },
    },
    response: GetConversationHistoryResponseSchema,
    async handler(req, reply) {
      const { conversation_id } = req.params as { conversation_id: string };
      const input = {
        conversationId: conversation_id,
        includeSystem: queryBool(req, "include_system"),
        limit: queryInt(req, "limit", 0),
        agentId: queryString(req, "agent_id"),
        channel: queryString(req, "channel"),
        messageType: queryString(req, "message_type"),
      };
      const res = await r.inv.unary(ConversationService.method.getConversationHistory, input, req, reply);
      return toDocJson(GetConversationHistoryResponseSchema, res);
    },
  });
}
