import { isHeldElsewhere } from "../agent/conversation-leases.js";
import type { RunRegistry } from "../agent/run-registry.js";
import type { EventLog } from "../events/event-log.js";
import type { RunRow } from "../store/run-repository.js";

export interface EndQueuedDeps {
  runs: RunRegistry;
  events: EventLog;
  /** Ends runs with one terminal event each (RunExecutor.endInterrupted). */
  endRuns: (rows: readonly RunRow[], why: string) => Promise<void>;
}

/**
 * Several instances: ends a stored queued run that cannot start (its agent
 * is gone, its request no longer valid) with one terminal event. Only the
 * instance numbering its conversation may write it: this one when it runs
 * the conversation, or after claiming it when it is free; false when
 * another instance holds it (that one adopts the run and ends it so).
 */
export function endQueuedHere(d: EndQueuedDeps): (row: RunRow, why: string) => Promise<boolean> {
  return async (row, why) => {
    const conversationId = row.conversation_id;
    if (d.runs.executesHere(conversationId)) {
      await d.endRuns([row], why);
      return true;
    }
    const leases = d.runs.leases;
    if (!leases) return false;
    // No local run may start in the conversation while this instance numbers it outside the registry.
    const unreserve = d.runs.reserve(conversationId, "ending a queued run that could not start", "send again");
    try {
      try {
        await leases.claim(conversationId, row.id);
      } catch (e) {
        if (isHeldElsewhere(e)) return false;
        throw e;
      }
      try {
        await d.events.prepare(conversationId);
        await d.endRuns([row], why);
      } finally {
        await d.events.release(conversationId, () => d.runs.isIdle(conversationId));
        await leases.free(conversationId, row.id);
      }
      return true;
    } finally {
      unreserve();
    }
  };
}
