import type { Event } from "../../gen/floe/v1/events_pb.js";
import { approvalFrame, pendingApprovalsJson } from "./approval-frames.js";

/**
 * The frames every legacy stream shows the same way: a resume's `snapshot`
 * and `gap`, and the approval events; undefined for any other event.
 */
export function resumeFrame(e: Event): { event: string; data: Record<string, unknown> } | undefined {
  const k = e.kind;
  switch (k.case) {
    case "snapshot": {
      // A resume opens with it: a client can tell "nothing missed" from "still waiting".
      const { latestSeq, activeRuns } = k.value;
      return {
        event: "snapshot",
        data: {
          conversation_id: e.conversationId,
          latest_seq: Number(latestSeq),
          active_runs: activeRuns.map((r) => ({ run_id: r.runId, agent_id: r.agentId, started_at: r.startedAt })),
          pending_approvals: pendingApprovalsJson(e),
        },
      };
    }
    case "gap": {
      const { requestedAfterSeq, oldestAvailableSeq } = k.value;
      return {
        event: "gap",
        data: { requested_after_seq: Number(requestedAfterSeq), oldest_available_seq: Number(oldestAvailableSeq) },
      };
    }
    default:
      return approvalFrame(e);
  }
}
