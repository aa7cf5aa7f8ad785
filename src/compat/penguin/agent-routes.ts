import {
  AgentSchema,
  AgentService,
  CreateAgentRequestSchema,
  GetAgentHistoryResponseSchema,
  GetAgentSessionHistoryResponseSchema,
  ListAgentSessionsResponseSchema,
  RegisterAgentRoleResponseSchema,
  UpdateAgentRequestSchema,
} from "../../../gen/floe/v1/agent_pb.js";
import { toDocJson } from "../doc-json.js";
import { bodyObject, optionalString, parseAs, queryBool, queryInt } from "../request-json.js";
import type { SurfaceRoutes } from "../surface-routes.js";

type AgentParams = { agent_id: string };
const agentJson = (a: Parameters<typeof toDocJson>[1]) => toDocJson(AgentSchema, a);

/** Penguin's multi-agent routes: the registry, delegation, history, sessions and roles. */
export function registerPenguinAgentRoutes(r: SurfaceRoutes): void {
  registerRegistryRoutes(r);
  registerAgentWorkRoutes(r);
}

function registerRegistryRoutes(r: SurfaceRoutes): void {
  r.add({
    method: "GET",
    url: "/agents",
    tag: "agents",
    summary: "List agents (simple=true: ids and states only)",
    query: { simple: { type: "boolean" } },
    response: { type: "array", items: { type: "object" } },
    async handler(req, reply) {
      const simple = queryBool(req, "simple") ?? false;
      const res = await r.inv.unary(AgentService.method.listAgents, { simple }, req, reply);
      if (!simple) return res.agents.map(agentJson);
      return res.agents.map((a) => ({
        id: a.id,
        active: a.active,
        paused: a.paused,
        is_sub_agent: a.isSubAgent,
        parent: a.parent ?? null,
      }));
    },
  });
  r.add({
    method: "POST",
    url: "/agents",
    tag: "agents",
    summary: "Create an agent",
    body: CreateAgentRequestSchema,
    response: AgentSchema,
    async handler(req, reply) {
      const input = parseAs(CreateAgentRequestSchema, bodyObject(req));
      const res = await r.inv.unary(AgentService.method.createAgent, input, req, reply);
      return { ...agentJson(res.agent), ...(res.initialRunId ? { initial_run_id: res.initialRunId } : {}) };
    },
  });
  r.add({
    method: "GET",
    url: "/agents/:agent_id",
    tag: "agents",
    summary: "Get an agent",
    response: AgentSchema,
    async handler(req, reply) {
      const { agent_id } = req.params as AgentParams;
      return agentJson((await r.inv.unary(AgentService.method.getAgent, { agentId: agent_id }, req, reply)).agent);
    },
  });
  r.add({
    method: "PATCH",
    url: "/agents/:agent_id",
    tag: "agents",
    summary: "Update an agent: pause or resume, activate, prompt, tools, model",
    body: UpdateAgentRequestSchema,
    response: AgentSchema,
    async handler(req, reply) {
      const { agent_id } = req.params as AgentParams;
      const input = parseAs(UpdateAgentRequestSchema, { ...bodyObject(req), agent_id });
      return agentJson((await r.inv.unary(AgentService.method.updateAgent, input, req, reply)).agent);
    },
  });
  r.add({
    method: "DELETE",
    url: "/agents/:agent_id",
    tag: "agents",
    summary: "Delete an agent (preserve_conversation defaults to true)",
    query: { preserve_conversation: { type: "boolean" } },
    async handler(req, reply) {
      const { agent_id } = req.params as AgentParams;
      const input = { agentId: agent_id, preserveConversation: queryBool(req, "preserve_conversation") };
      const res = await r.inv.unary(AgentService.method.deleteAgent, input, req, reply);
      return { status: "deleted", agent_id: res.agentId, conversation_preserved: res.conversationPreserved };
    },
  });
}

function registerAgentWorkRoutes(r: SurfaceRoutes): void {
  r.post(
    "/agents/:agent_id/delegate",
    "agents",
    "Delegate a task to an agent (wait=true answers with its result)",
    AgentService.method.delegateTask,
  );
  r.add({
    method: "GET",
    url: "/agents/:agent_id/history",
    tag: "agents",
    summary: "An agent's conversation history",
    query: { include_system: { type: "boolean" }, limit: { type: "integer" } },
    response: GetAgentHistoryResponseSchema,
    async handler(req, reply) {
      const { agent_id } = req.params as AgentParams;
      const input = {
        agentId: agent_id,
        includeSystem: queryBool(req, "include_system"),
        limit: queryInt(req, "limit", 0),
      };
      return toDocJson(
        GetAgentHistoryResponseSchema,
        await r.inv.unary(AgentService.method.getAgentHistory, input, req, reply),
      );
    },
  });
  r.add({
    method: "GET",
    url: "/agents/:agent_id/sessions",
    tag: "agents",
    summary: "An agent's sessions, newest first",
    response: ListAgentSessionsResponseSchema,
    async handler(req, reply) {
      const { agent_id } = req.params as AgentParams;
      const res = await r.inv.unary(AgentService.method.listAgentSessions, { agentId: agent_id }, req, reply);
      return toDocJson(ListAgentSessionsResponseSchema, res);
    },
  });
  r.add({
    method: "GET",
    url: "/agents/:agent_id/sessions/:session_id/history",
    tag: "agents",
    summary: "The history of one of an agent's sessions",
    response: GetAgentSessionHistoryResponseSchema,
    async handler(req, reply) {
      const { agent_id, session_id } = req.params as AgentParams & { session_id: string };
      const input = { agentId: agent_id, sessionId: session_id };
      const res = await r.inv.unary(AgentService.method.getAgentSessionHistory, input, req, reply);
      return toDocJson(GetAgentSessionHistoryResponseSchema, res);
    },
  });
  r.add({
    method: "POST",
    url: "/agents/:agent_id/register",
    tag: "coordinator",
    summary: "Register an agent under a coordinator role",
    body: { type: "object", properties: { role: { type: "string" } }, required: ["role"] },
    response: RegisterAgentRoleResponseSchema,
    async handler(req, reply) {
      const { agent_id } = req.params as AgentParams;
      const input = { agentId: agent_id, role: optionalString(bodyObject(req), "role") };
      return toDocJson(
        RegisterAgentRoleResponseSchema,
        await r.inv.unary(AgentService.method.registerAgentRole, input, req, reply),
      );
    },
  });
}
