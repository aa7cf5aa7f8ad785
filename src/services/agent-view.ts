import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { type Agent, AgentSchema } from "../../gen/floe/v1/agent_pb.js";
import type { AgentRegistry } from "../agent/agent-registry.js";
import type { ModelRegistry } from "../agent/model-registry.js";
import { DEFAULT_SYSTEM_PROMPT } from "../domain/agent-profile.js";
import { canonicalTools, TOOL_ALIASES, TOOL_NAMES } from "../domain/tool-names.js";
import type { AgentRecord } from "../store/agent-repository.js";
import { invalidField, invalidValue } from "./request-errors.js";

const AGENT_ID = /^[a-z0-9_-]{1,64}$/;

/** The agent as AgentService returns it, with its model resolved. */
export function agentView(a: AgentRecord, agents: AgentRegistry, models: ModelRegistry): Agent {
  const m = (a.modelConfigId && models.find(a.modelConfigId)) || models.current;
  return create(AgentSchema, {
    id: a.id,
    persona: a.persona || undefined,
    personaDescription: a.personaDescription || undefined,
    model: {
      model: m.name,
      provider: m.provider,
      maxOutputTokens: m.maxOutputTokens,
      maxContextWindowTokens: m.maxContextWindowTokens,
    },
    parent: a.parent || undefined,
    children: agents.children(a.id),
    defaultTools: a.defaultTools,
    active: a.active,
    paused: a.paused,
    isSubAgent: a.parent !== "",
    roles: a.roles,
    systemPrompt: a.systemPrompt || DEFAULT_SYSTEM_PROMPT,
    conversationId: a.conversationId,
    modelConfigId: a.modelConfigId,
    createdAt: a.createdAt,
  });
}

/** An agent id as the registry accepts it, or InvalidArgument. */
export function validAgentId(id: string, field = "id"): string {
  if (!AGENT_ID.test(id))
    throw invalidValue(field, `must be 1 to 64 characters of a-z, 0-9, "-" and "_", got ${JSON.stringify(id)}`);
  return id;
}

/** A model config id that exists (empty follows the current model), or InvalidArgument naming those that do. */
export function validModelConfigId(id: string, models: ModelRegistry): string {
  const v = id.trim();
  if (v && !models.list().some((m) => m.id === v)) {
    const known = models
      .list()
      .map((m) => m.id)
      .join(", ");
    throw invalidValue("model_config_id", `${JSON.stringify(v)} is not a configured model (configured: ${known})`);
  }
  return v;
}

export function validTools(names: readonly string[]): string[] {
  const { tools, unknown } = canonicalTools(names);
  if (unknown.length)
    throw invalidValue(
      "default_tools",
      `names unknown tool(s) ${unknown.join(", ")} (known: ${TOOL_NAMES.join(", ")}; Penguin's ${TOOL_ALIASES.join(", ")})`,
    );
  return tools;
}

export function validRole(role: string): string {
  const r = role.trim();
  if (!r) throw invalidField("role", "is required: the coordinator role to register the agent under");
  if (r.length > 64) throw invalidValue("role", "must be at most 64 characters");
  return r;
}

export function refuseDelete(agents: AgentRegistry, a: AgentRecord, live: number): void {
  if (a.id === "default")
    throw new ConnectError('the agent "default" always exists and cannot be deleted', Code.FailedPrecondition);
  const children = agents.children(a.id);
  if (children.length)
    throw new ConnectError(
      `agent ${a.id} has sub-agents (${children.join(", ")}): delete them first`,
      Code.FailedPrecondition,
    );
  if (live)
    throw new ConnectError(
      `agent ${a.id} has ${live} live run(s): cancel them with ChatService.CancelRun first`,
      Code.FailedPrecondition,
    );
}
