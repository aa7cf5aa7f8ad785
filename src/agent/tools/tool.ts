import type { FileChangeRecorder } from "./file-changes.js";
import type { Sandbox } from "./sandbox.js";

/** What a tool call runs with. */
export interface ToolContext {
  /** The active root: every path is confined to it. */
  root: string;
  /** Aborts on run cancel; long tools must stop and clean up. */
  signal: AbortSignal;
  /** The environment of commands a tool starts (allow-listed; see commandEnvironment). */
  env: Readonly<Record<string, string>>;
  /** Where commands run (bubblewrap, unconfined, or refused). */
  sandbox: Sandbox;
  /** The permission engine let this call use the network (a network operation it allowed, or full mode). */
  network?: boolean;
  /** The run calling the tool, for tools that act as its agent. */
  caller: ToolCaller;
  /** What the multi-agent tools act through; absent where no agent services are attached. */
  agents?: AgentOps;
  /** Hears of the file tools' writes, edits and deletes (checkpoints restore them). */
  files?: FileChangeRecorder;
  /** Reports the call's progress on the run's event stream (a progress event with this message). */
  progress?(message: string): void;
}

/** The run a tool call belongs to. */
export interface ToolCaller {
  agentId: string;
  runId: string;
  conversationId: string;
  /** The delegation path down to this agent. */
  agentPath: string[];
  /** Agent-to-agent messages that led to this run. */
  messageHops: number;
  /** The API key that started the run, carried to the runs it starts (the audit records it). */
  keyName?: string;
}

/** The multi-agent operations tools reach; the services implement them. */
export interface AgentOps {
  /** Starts a run on another agent (or a remote A2A agent: `a2a:<name>`); with `wait`, resolves with its answer. */
  delegate(
    from: ToolCaller,
    a: { agentId: string; content: string; wait: boolean },
    signal: AbortSignal,
    progress?: (message: string) => void,
  ): Promise<string>;
  /** Routes a message from the calling agent; resolves with a receipt. */
  sendMessage(
    from: ToolCaller,
    m: { recipient: string; content: string; messageType: string; channel: string },
  ): Promise<string>;
}

/** A tool offered to the model as an OpenAI function tool. */
export interface Tool {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  /** Permission operation, for example `filesystem.write` or `process.execute`. */
  operation: string;
  /** The operation of one call, when it depends on the arguments (a command: `git.push`, `network.fetch`). */
  operationOf?(args: Record<string, unknown>): string;
  /** The resource the permission engine judges: a path or a command. */
  resource(args: Record<string, unknown>): string;
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<string>;
}

export function str(args: Record<string, unknown>, key: string, required = true): string {
  const v = args[key];
  if (v === undefined || v === null) {
    if (required) throw new TypeError(`argument "${key}" is required`);
    return "";
  }
  if (typeof v !== "string") throw new TypeError(`argument "${key}" must be a string`);
  return v;
}

export function int(args: Record<string, unknown>, key: string, fallback: number): number {
  const v = args[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
    throw new TypeError(`argument "${key}" must be a non-negative integer`);
  return v;
}
