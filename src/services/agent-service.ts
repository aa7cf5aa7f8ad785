import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { AgentSessionSchema, type AgentService, type CreateAgentRequest } from "../../gen/floe/v1/agent_pb.js";
import { ChatRequestSchema } from "../../gen/floe/v1/chat_pb.js";
import { newRecord } from "../agent/agent-registry.js";
import type { AppContext } from "./app-context.js";
import { agentView, refuseDelete, validAgentId, validModelConfigId, validRole, validTools } from "./agent-view.js";
import { kCallerKey } from "../security/index.js";
import { invalidValue } from "./request-errors.js";
import { limitField, notFound, requireField } from "./require.js";

const SESSIONS_MAX = 1000;

type AgentImpl = ServiceImpl<typeof AgentService>;

/** The agent registry, delegation, and each agent's history and sessions. */
export function agentService(app: AppContext): AgentImpl {
  return { ...registryMethods(app), ...workMethods(app) };
}

/** Registers an agent; its `initial_prompt`, if any, starts its first run. */
async function createAgent(app: AppContext, req: CreateAgentRequest) {
  const { agents } = app;
  const id = validAgentId(req.id.trim());
  const parent = req.parent.trim();
  if (req.activate === false && req.initialPrompt.trim())
    throw invalidValue("initial_prompt", "needs an active agent: leave out activate=false, or send the prompt later");
  const parentExists = () => {
    if (parent && !agents.get(parent)) throw invalidValue("parent", `names no agent: ${JSON.stringify(parent)}`);
  };
  parentExists();
  await agents.insert(
    newRecord({
      id,
      persona: req.persona.trim(),
      personaDescription: req.personaDescription.trim(),
      systemPrompt: req.systemPrompt,
      modelConfigId: validModelConfigId(req.modelConfigId, app.models),
      defaultTools: validTools(req.defaultTools),
      parent,
      active: req.activate ?? true,
    }),
    parentExists,
  );
  let initialRunId = "";
  if (req.initialPrompt.trim()) {
    // An agent whose first run cannot start is not created: the request had no effect.
    try {
      const conversationId = await agents.mainConversation(id);
      const chat = create(ChatRequestSchema, { text: req.initialPrompt, agentId: id, conversationId, queue: true });
      initialRunId = (await app.chat.start(chat)).id;
    } catch (e) {
      await removeAgent(app, id);
      throw e;
    }
  }
  return { agent: agentView(agents.require(id), agents, app.models), initialRunId };
}

/** Removes an agent and the conversation its failed creation made. */
async function removeAgent(app: AppContext, id: string): Promise<void> {
  const conversationId = app.agents.get(id)?.conversationId;
  if (conversationId) {
    await app.conversations.delete(conversationId);
    app.events.forget(conversationId);
  }
  await app.agents.remove(id);
}

/** The parent's live run named by a delegation: where the child sits in the delegation tree. */
function parentRun(app: AppContext, runId: string, parent: string) {
  const plan = app.runs.planOf(runId);
  if (!plan) throw invalidValue("parent_run_id", `is not a live run: ${runId}`);
  if (plan.profile.id !== parent)
    throw invalidValue("parent_run_id", `is a run of agent ${plan.profile.id}, not of the parent ${parent}`);
  return { agentPath: plan.seams.agentPath ?? [parent], messageHops: plan.seams.messageHops };
}

const known = (app: AppContext, id: string, field = "agent_id") => app.agents.require(requireField(id, field)).id;

function registryMethods(
  app: AppContext,
): Pick<AgentImpl, "createAgent" | "listAgents" | "getAgent" | "updateAgent" | "deleteAgent"> {
  const { agents } = app;
  const view = (id: string) => agentView(agents.require(id), agents, app.models);
  return {
    createAgent: (req) => createAgent(app, req),
    listAgents(req) {
      const all = agents.list().map((a) => agentView(a, agents, app.models));
      if (!req.simple) return { agents: all };
      return {
        agents: all.map((a) => ({
          id: a.id,
          active: a.active,
          paused: a.paused,
          isSubAgent: a.isSubAgent,
          parent: a.parent,
        })),
      };
    },
    getAgent(req) {
      return { agent: view(known(app, req.agentId)) };
    },
    async updateAgent(req) {
      const id = known(app, req.agentId);
      const model = req.modelConfigId === undefined ? undefined : validModelConfigId(req.modelConfigId, app.models);
      const tools = req.defaultTools.length ? validTools(req.defaultTools) : undefined;
      await agents.update(id, (a) => {
        if (req.paused !== undefined) a.paused = req.paused;
        if (req.active !== undefined) a.active = req.active;
        if (req.systemPrompt !== undefined) a.systemPrompt = req.systemPrompt;
        if (req.persona !== undefined) a.persona = req.persona.trim();
        if (req.personaDescription !== undefined) a.personaDescription = req.personaDescription.trim();
        if (model !== undefined) a.modelConfigId = model;
        if (tools) a.defaultTools = tools;
      });
      return { agent: view(id) };
    },
    async deleteAgent(req) {
      const id = known(app, req.agentId);
      // Checked and removed in one registry turn: no child or run can appear in between.
      const a = await agents.remove(id, (rec) =>
        refuseDelete(agents, rec, app.runs.all().filter((r) => r.agentId === rec.id).length),
      );
      const preserve = req.preserveConversation ?? true;
      if (!preserve) {
        for (const c of await app.conversations.list(SESSIONS_MAX, a.id)) {
          await app.conversations.delete(c.id);
          app.events.forget(c.id);
          await app.feed.forgetConversation(c.id);
        }
      }
      return { agentId: a.id, conversationPreserved: preserve };
    },
  };
}

function workMethods(
  app: AppContext,
): Pick<
  AgentImpl,
  "registerAgentRole" | "delegateTask" | "getAgentHistory" | "listAgentSessions" | "getAgentSessionHistory"
> {
  const { agents } = app;
  return {
    async registerAgentRole(req) {
      const id = known(app, req.agentId);
      const role = validRole(req.role);
      await agents.update(id, (a) => {
        if (!a.roles.includes(role)) a.roles = [...a.roles, role];
      });
      return { status: "registered", agentId: id, role };
    },
    async delegateTask(req, ctx) {
      const childId = known(app, req.agentId);
      const content = requireField(req.content, "content", "the task for the agent");
      const parent = req.parent.trim() || "default";
      const parentRunId = req.parentRunId.trim();
      const above = parentRunId ? parentRun(app, parentRunId, parent) : undefined;
      const handle = await app.work.delegateTask({
        childId,
        content,
        parent: known(app, parent, "parent"),
        channel: req.channel.trim(),
        metadata: req.metadata,
        parentRunId,
        // Under a parent run, the child sits below that run's path: the cycle and depth checks see it.
        pathAbove: above?.agentPath ?? [],
        messageHops: above?.messageHops,
        reportToParent: req.reportToParent,
        keyName: ctx.values.get(kCallerKey),
      });
      const result = req.wait ? await untilSignal(handle.done, ctx.signal) : undefined;
      return {
        status: "delegated",
        agentId: childId,
        parent,
        runId: handle.id,
        conversationId: handle.conversationId,
        result,
      };
    },
    async getAgentHistory(req) {
      const id = known(app, req.agentId);
      const conversationId = agents.require(id).conversationId || (await app.conversations.list(1, id))[0]?.id;
      if (!conversationId) return { agentId: id, messages: [] };
      const messages = await app.conversations.history(conversationId, {
        includeSystem: req.includeSystem ?? true,
        limit: limitField(req.limit, "limit", 0, 100000),
        agentId: "",
        channel: "",
        messageType: "",
      });
      return { agentId: id, messages };
    },
    async listAgentSessions(req) {
      const id = known(app, req.agentId);
      const sessions = (await app.conversations.list(SESSIONS_MAX, id)).map((c) =>
        create(AgentSessionSchema, {
          id: c.id,
          createdAt: c.createdAt,
          updatedAt: c.updatedAt,
          messageCount: c.messageCount,
        }),
      );
      return { agentId: id, sessions };
    },
    async getAgentSessionHistory(req) {
      const id = known(app, req.agentId);
      const sessionId = requireField(req.sessionId, "session_id");
      const conv = await app.conversations.get(sessionId);
      if (!conv || conv.agentId !== id)
        throw notFound("session", sessionId, `list agent ${id}'s sessions with GET /api/v1/agents/${id}/sessions`);
      return { agentId: id, sessionId, messages: await app.conversations.all(sessionId) };
    },
  };
}

/** The promise's value; rejects when the caller goes away (the work itself goes on). */
function untilSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    void p.then((v) => {
      signal.removeEventListener("abort", onAbort);
      resolve(v);
    });
  });
}
