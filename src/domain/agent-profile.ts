/** How an agent runs: its prompt, its tools and its model. Agents are managed by AgentService; config may predefine some. */
export interface AgentProfile {
  id: string;
  systemPrompt: string;
  /** Tool names offered; empty offers every tool. */
  defaultTools: string[];
  /** Model config id; empty uses the current model. */
  modelId: string;
  /** A paused agent takes no new work until it is resumed. */
  paused?: boolean;
  /** An inactive agent takes no work until it is activated. */
  inactive?: boolean;
}

export const DEFAULT_SYSTEM_PROMPT = [
  "You are Floe, a careful AI coding agent working inside a workspace.",
  "Use the tools to read, search, edit files and run commands; paths are relative to the workspace root.",
  "Think before acting, prefer small verifiable steps, and answer concisely once the task is done.",
].join(" ");

export function defaultProfile(id = "default"): AgentProfile {
  return { id, systemPrompt: DEFAULT_SYSTEM_PROMPT, defaultTools: [], modelId: "" };
}
