import type { AgentCard, AgentSkill, SecurityScheme } from "@a2a-js/sdk";
import type { Agent } from "../../../gen/floe/v1/agent_pb.js";
import { TOOL_NAMES } from "../../domain/tool-names.js";
import { FLOE_VERSION } from "../../version.js";

/** What each built-in tool lets a caller ask of an agent, as the card's skills say it. */
const SKILLS: Record<string, [string, string, string]> = {
  read_file: ["Read files", "Reads files of its workspace", "files"],
  write_file: ["Write files", "Creates and overwrites files in its workspace", "files"],
  edit_file: ["Edit files", "Edits files of its workspace in place", "files"],
  delete_file: ["Delete files", "Deletes files of its workspace", "files"],
  list_files: ["List files", "Lists the files of a folder", "files"],
  find_files: ["Find files", "Finds files by name pattern", "search"],
  grep_search: ["Search code", "Searches file contents with regular expressions", "search"],
  execute_command: ["Run commands", "Runs shell commands in its workspace (sandboxed, with approvals)", "shell"],
  delegate: ["Delegate", "Hands tasks to other agents, local or remote (A2A)", "agents"],
  send_message: ["Message agents", "Sends messages to other agents or to the human", "agents"],
};

/** Where an agent's card and JSON-RPC endpoint live: the server root for `default`, `/a2a/agents/<id>` for the others. */
export function agentBasePath(agentId: string): string {
  return agentId === "default" ? "" : `/a2a/agents/${encodeURIComponent(agentId)}`;
}

/** The JSON-RPC endpoint of an agent, below its base path. */
export function rpcPath(agentId: string): string {
  return agentId === "default" ? "/a2a" : agentBasePath(agentId);
}

export interface CardInput {
  agentId: string;
  /** The agent, when the caller may read it; without it the card is the public one: no skills, no details. */
  agent?: Agent;
  /** `http://host:port` as the caller reached the server. */
  origin: string;
  keysRequired: boolean;
}

/**
 * An agent's card: its JSON-RPC endpoint (A2A 1.0, and 0.3 for older
 * clients), streaming, its tools as skills, and the API key schemes when
 * keys are configured. Without a key the card is public but holds only the
 * name and the schemes; the extended card (GetExtendedAgentCard) has all.
 */
export function agentCard(c: CardInput): AgentCard {
  const url = `${c.origin}${rpcPath(c.agentId)}`;
  const iface = (protocolVersion: string) => ({ url, protocolBinding: "JSONRPC", tenant: "", protocolVersion });
  const a = c.agent;
  const tools = a ? (a.defaultTools.length ? a.defaultTools : [...TOOL_NAMES]) : [];
  return {
    name: a?.persona || c.agentId,
    description: description(c),
    supportedInterfaces: [iface("1.0"), iface("0.3")],
    provider: { url: c.origin, organization: "Floe" },
    version: FLOE_VERSION,
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: c.keysRequired },
    securitySchemes: c.keysRequired ? SCHEMES : {},
    securityRequirements: c.keysRequired
      ? [{ schemes: { bearer: { list: [] } } }, { schemes: { apiKey: { list: [] } } }]
      : [],
    defaultInputModes: ["text/plain"],
    defaultOutputModes: ["text/plain"],
    skills: tools.map(skill),
    signatures: [],
  };
}

function description(c: CardInput): string {
  const a = c.agent;
  if (!a) return `Floe agent ${JSON.stringify(c.agentId)}. Send an API key to read its full card.`;
  const model = a.model?.model ? ` on ${a.model.model}` : "";
  return (
    a.personaDescription || `Floe agent ${JSON.stringify(a.id)}${model}: a coding agent with tools in its workspace.`
  );
}

function skill(tool: string): AgentSkill {
  const [name, description, tag] = SKILLS[tool] ?? [tool, `The ${tool} tool`, "tools"];
  return {
    id: tool,
    name,
    description,
    tags: [tag],
    examples: [],
    inputModes: [],
    outputModes: [],
    securityRequirements: [],
  };
}

const SCHEMES: Record<string, SecurityScheme> = {
  bearer: {
    scheme: {
      $case: "httpAuthSecurityScheme",
      value: { description: "A Floe API key as a bearer token", scheme: "Bearer", bearerFormat: "" },
    },
  },
  apiKey: {
    scheme: {
      $case: "apiKeySecurityScheme",
      value: { description: "A Floe API key in the X-API-Key header", location: "header", name: "X-API-Key" },
    },
  },
};
