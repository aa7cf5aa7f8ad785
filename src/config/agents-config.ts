import type { ModelConfig } from "../../gen/floe/v1/common_pb.js";
import { type AgentProfile, DEFAULT_SYSTEM_PROMPT } from "../domain/agent-profile.js";
import { canonicalTools, TOOL_ALIASES, TOOL_NAMES } from "../domain/tool-names.js";
import { ConfigError } from "./config-error.js";
import { list, str } from "./config-values.js";

// `mcp_servers` is read with the global one (see mcp-config).
const AGENT_KEYS = new Set(["id", "system_prompt", "default_tools", "model", "mcp_servers"]);

/** The `agents` list of floe.yaml; tools may carry Penguin's names, stored canonical. */
export function parseAgents(value: unknown, source: string, models: ModelConfig[]): AgentProfile[] {
  if (!Array.isArray(value)) throw new ConfigError("agents", source, "must be a list of agents");
  return value.map((item, i) => {
    const at = `agents[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item))
      throw new ConfigError(at, source, "must be a mapping");
    const a = item as Record<string, unknown>;
    for (const key of Object.keys(a)) {
      if (!AGENT_KEYS.has(key))
        throw new ConfigError(`${at}.${key}`, source, `unknown key (known: ${[...AGENT_KEYS].join(", ")})`);
    }
    const id = a.id === undefined ? "" : str(a.id, source, `${at}.id`);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id))
      throw new ConfigError(`${at}.id`, source, "is required: 1-64 letters, digits, '.', '_' or '-'");
    const modelId = a.model === undefined ? "" : str(a.model, source, `${at}.model`);
    if (modelId && !models.some((m) => m.id === modelId))
      throw new ConfigError(`${at}.model`, source, `"${modelId}" is not the id of a configured model`);
    const names = a.default_tools === undefined ? [] : list(a.default_tools, source, `${at}.default_tools`);
    const { tools, unknown } = canonicalTools(names);
    if (unknown.length)
      throw new ConfigError(
        `${at}.default_tools`,
        source,
        `unknown tool(s) ${unknown.join(", ")} (known: ${TOOL_NAMES.join(", ")}; Penguin's ${TOOL_ALIASES.join(", ")})`,
      );
    return {
      id,
      systemPrompt:
        a.system_prompt === undefined ? DEFAULT_SYSTEM_PROMPT : str(a.system_prompt, source, `${at}.system_prompt`),
      defaultTools: tools,
      modelId,
    };
  });
}
