/** `read-only`: nothing changes; `workspace` (default): changes inside the active root; `full`: no mode limit. */
export type PermissionMode = "read-only" | "workspace" | "full";

/** A config rule: the first that matches an agent, an operation and a resource decides. */
export interface PermissionRule {
  /** An agent id; empty applies to every agent. */
  agent: string;
  /** An operation or a glob over them, for example `process.execute` or `git.*`. */
  operation: string;
  /** A glob over resources; empty matches any. */
  pattern: string;
  result: "allow" | "ask" | "deny";
  reason: string;
}

export interface PermissionSettings {
  mode: PermissionMode;
  /** Modes for some agents, over `mode`. */
  agentModes: Readonly<Record<string, PermissionMode>>;
  rules: readonly PermissionRule[];
}

export const PERMISSION_MODES: readonly PermissionMode[] = ["read-only", "workspace", "full"];
