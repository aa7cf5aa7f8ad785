import type { DescMessage, DescMethod, MessageInitShape } from "@bufbuild/protobuf";
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
import { LoadModelRequestSchema, LoadModelResponseSchema, ModelService } from "../../../gen/floe/v1/model_pb.js";
import {
  GetTokenUsageResponseSchema,
  LoadContextFileRequestSchema,
  LoadContextFileResponseSchema,
  SetExecutionModeResponseSchema,
  SetProjectRootRequestSchema,
  SetProjectRootResponseSchema,
  SetWorkspaceRootResponseSchema,
  SystemService,
} from "../../../gen/floe/v1/system_pb.js";
import type { InProcessInvoker } from "../../server/in-process-invoker.js";
import type { CompatRouter } from "../compat-router.js";
import { toDocJson } from "../doc-json.js";
import { bodyObject, parseAs, queryBool, queryInt, queryString, requireString } from "../request-json.js";

const P = "/api/v1";

/** Penguin's `/api/v1` REST routes for the capabilities Floe has. */
export function registerPenguinRest(fastify: FastifyInstance, router: CompatRouter, inv: InProcessInvoker): void {
  const add = (spec: Parameters<CompatRouter["add"]>[2]) => router.add(fastify, "penguin", spec);
  /** A GET route answering an RPC that takes no arguments with its documented JSON. */
  const addGet = <I extends DescMessage, O extends DescMessage>(
    url: string,
    tag: string,
    summary: string,
    method: DescMethod & { input: I; output: O },
  ) =>
    add({
      method: "GET",
      url: `${P}${url}`,
      tag,
      summary,
      response: method.output,
      handler: async (req, reply) =>
        toDocJson(method.output, await inv.unary(method, {} as MessageInitShape<I>, req, reply)),
    });
  const conversationJson = (c: Parameters<typeof toDocJson>[1]) => {
    const doc = toDocJson(ConversationSchema, c);
    return { ...doc, conversation_id: doc.id };
  };

  add({
    method: "POST",
    url: `${P}/chat/message`,
    tag: "chat",
    summary: "Process a chat message (runs the agent and answers when it ends)",
    body: ChatRequestSchema,
    response: SendMessageResponseSchema,
    async handler(req, reply) {
      const body = bodyObject(req);
      requireString(body, "text");
      const chat = parseAs(ChatRequestSchema, body);
      return toDocJson(
        SendMessageResponseSchema,
        await inv.unary(ChatService.method.sendMessage, { chat }, req, reply),
      );
    },
  });

  add({
    method: "GET",
    url: `${P}/conversations`,
    tag: "conversations",
    summary: "List conversations",
    query: { limit: { type: "integer" }, agent_id: { type: "string" } },
    response: ListConversationsResponseSchema,
    async handler(req, reply) {
      const res = await inv.unary(
        ConversationService.method.listConversations,
        { limit: queryInt(req, "limit", 0), agentId: queryString(req, "agent_id") },
        req,
        reply,
      );
      return { conversations: res.conversations.map(conversationJson) };
    },
  });

  add({
    method: "POST",
    url: `${P}/conversations/create`,
    tag: "conversations",
    summary: "Create a conversation",
    body: CreateConversationRequestSchema,
    response: ConversationSchema,
    async handler(req, reply) {
      const res = await inv.unary(
        ConversationService.method.createConversation,
        parseAs(CreateConversationRequestSchema, bodyObject(req)),
        req,
        reply,
      );
      return conversationJson(res.conversation);
    },
  });

  add({
    method: "GET",
    url: `${P}/conversations/:conversation_id`,
    tag: "conversations",
    summary: "Get a conversation with its messages",
    response: { type: "object", properties: { id: { type: "string" }, messages: { type: "array" } } },
    async handler(req, reply) {
      const { conversation_id } = req.params as { conversation_id: string };
      const res = await inv.unary(
        ConversationService.method.getConversation,
        { conversationId: conversation_id },
        req,
        reply,
      );
      return {
        ...conversationJson(res.conversation),
        messages: res.messages.map((m) => toDocJson(ChatMessageSchema, m)),
      };
    },
  });

  add({
    method: "GET",
    url: `${P}/conversations/:conversation_id/history`,
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
      const res = await inv.unary(
        ConversationService.method.getConversationHistory,
        {
          conversationId: conversation_id,
          includeSystem: queryBool(req, "include_system"),
          limit: queryInt(req, "limit", 0),
          agentId: queryString(req, "agent_id"),
          channel: queryString(req, "channel"),
          messageType: queryString(req, "message_type"),
        },
        req,
        reply,
      );
      return toDocJson(GetConversationHistoryResponseSchema, res);
    },
  });

  add({
    method: "GET",
    url: `${P}/models`,
    tag: "models",
    summary: "List the configured models",
    response: { type: "object", properties: { models: { type: "array" } } },
    async handler(req, reply) {
      const res = await inv.unary(ModelService.method.listModels, {}, req, reply);
      return {
        models: res.models.map((m) => ({
          id: m.config!.id,
          name: m.config!.name,
          provider: m.config!.provider,
          vision_enabled: m.config!.visionEnabled,
          max_output_tokens: m.config!.maxOutputTokens,
          current: m.current,
          offline: m.config!.offline,
        })),
      };
    },
  });

  add({
    method: "POST",
    url: `${P}/models/load`,
    tag: "models",
    summary: "Switch the current model",
    body: LoadModelRequestSchema,
    response: LoadModelResponseSchema,
    async handler(req, reply) {
      const body = bodyObject(req);
      requireString(body, "model_id");
      return toDocJson(
        LoadModelResponseSchema,
        await inv.unary(ModelService.method.loadModel, parseAs(LoadModelRequestSchema, body), req, reply),
      );
    },
  });

  addGet("/models/current", "models", "The current model", ModelService.method.getCurrentModel);

  addGet(
    "/models/discover",
    "models",
    "Discover models from the OpenRouter catalogue (needs OPENROUTER_API_KEY)",
    ModelService.method.discoverModels,
  );

  const pathBody = { type: "object", properties: { path: { type: "string" } }, required: ["path"] };
  addGet("/system/config", "system", "The runtime configuration", SystemService.method.getRuntimeConfig);
  add({
    method: "POST",
    url: `${P}/system/config/project-root`,
    tag: "system",
    summary: "Set the project root",
    body: SetProjectRootRequestSchema,
    response: SetProjectRootResponseSchema,
    async handler(req, reply) {
      const path = requireString(bodyObject(req), "path");
      return toDocJson(
        SetProjectRootResponseSchema,
        await inv.unary(SystemService.method.setProjectRoot, { path }, req, reply),
      );
    },
  });
  add({
    method: "POST",
    url: `${P}/system/config/workspace-root`,
    tag: "system",
    summary: "Set the workspace root",
    body: pathBody,
    response: SetWorkspaceRootResponseSchema,
    async handler(req, reply) {
      const path = requireString(bodyObject(req), "path");
      return toDocJson(
        SetWorkspaceRootResponseSchema,
        await inv.unary(SystemService.method.setWorkspaceRoot, { path }, req, reply),
      );
    },
  });
  add({
    method: "POST",
    url: `${P}/system/config/execution-mode`,
    tag: "system",
    summary: "Set the execution mode (`project` or `workspace`, sent as `path`)",
    body: {
      type: "object",
      properties: { path: { type: "string", enum: ["project", "workspace"] }, mode: { type: "string" } },
    },
    response: SetExecutionModeResponseSchema,
    async handler(req, reply) {
      const body = bodyObject(req);
      // Penguin documents the mode in a field named `path`; `mode` is accepted too.
      const mode = typeof body.mode === "string" ? body.mode : requireString(body, "path");
      return toDocJson(
        SetExecutionModeResponseSchema,
        await inv.unary(SystemService.method.setExecutionMode, { mode }, req, reply),
      );
    },
  });
  addGet("/system/info", "system", "System information", SystemService.method.getInfo);
  addGet("/system/status", "system", "Runtime status", SystemService.method.getStatus);
  addGet("/capabilities", "system", "Capabilities", SystemService.method.getCapabilities);
  add({
    method: "GET",
    url: `${P}/token-usage`,
    tag: "system",
    summary: "Token usage",
    query: { conversation_id: { type: "string" } },
    response: GetTokenUsageResponseSchema,
    async handler(req, reply) {
      return toDocJson(
        GetTokenUsageResponseSchema,
        await inv.unary(
          SystemService.method.getTokenUsage,
          { conversationId: queryString(req, "conversation_id") },
          req,
          reply,
        ),
      );
    },
  });
  addGet("/context-files", "system", "List context files", SystemService.method.listContextFiles);
  add({
    method: "POST",
    url: `${P}/context-files/load`,
    tag: "system",
    summary: "Load a context file into a conversation",
    body: LoadContextFileRequestSchema,
    response: LoadContextFileResponseSchema,
    async handler(req, reply) {
      const body = bodyObject(req);
      requireString(body, "file_path");
      return toDocJson(
        LoadContextFileResponseSchema,
        await inv.unary(SystemService.method.loadContextFile, parseAs(LoadContextFileRequestSchema, body), req, reply),
      );
    },
  });
}
