import type { AppContext } from "./app-context.js";

/** A run a snapshot lists as live. */
export interface LiveRun {
  runId: string;
  agentId: string;
  startedAt: string;
}

/**
 * The live (running or queued) runs of a conversation for a snapshot. With
 * several instances they are read from the runs table, so that a subscriber
 * on any instance sees runs executing on the others (and end_after_live_runs
 * waits for them); a single instance answers from memory, as before.
 */
export async function liveRuns(app: AppContext, conversationId: string): Promise<LiveRun[]> {
  if (!app.cluster.shared) {
    return app.runs
      .activeRuns(conversationId)
      .map((r) => ({ runId: r.id, agentId: r.agentId, startedAt: r.startedAt }));
  }
  const rows = await app.runRecords.openIn(conversationId);
  // Running first, then the queue in order, as the registry lists them.
  const order = (s: string) => (s === "running" ? 0 : 1);
  return rows
    .sort((a, b) => order(a.status) - order(b.status))
    .map((r) => ({ runId: r.id, agentId: r.agent_id, startedAt: r.created_at }));
}
