/** What a tool call asks to do, as the permission engine sees it. */
export interface PermissionRequest {
  toolName: string;
  /** For example `filesystem.write`, `process.execute`. */
  operation: string;
  resource: string;
  agentId: string;
  conversationId: string;
  runId: string;
  /** The active root the call works in. */
  root?: string;
  /** The name of the API key that started the run, for the audit log. */
  keyName?: string;
}

/**
 * `ask` means a human must decide: the run executor then waits on the run's
 * approval seam (see `RunSeams.awaitDecision`), and denies when it has none.
 */
export type PermissionDecision =
  | { result: "allow"; reason?: string; policy?: string; scope?: string; network?: boolean }
  | { result: "deny"; reason: string; policy?: string; expired?: boolean }
  | { result: "ask"; reason: string; policy?: string; expiresAt?: string };

/**
 * The single seam every tool call passes before it runs. The permission
 * engine with approvals and audit plugs in here; until then the gate allows.
 */
export interface PermissionGate {
  decide(req: PermissionRequest, signal: AbortSignal): Promise<PermissionDecision>;
}

export const allowAllGate: PermissionGate = {
  async decide() {
    return { result: "allow" };
  },
};
