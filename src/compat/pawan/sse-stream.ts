import { encode } from "eventsource-encoder";
import type { FastifyReply } from "fastify";
import type { Event } from "../../../gen/floe/v1/events_pb.js";
import { approvalFrame, pendingApprovalsJson } from "../approval-frames.js";
import { openEventStream } from "../open-event-stream.js";

/** Pawan's SSE framing of one event; `undefined` for events Pawan does not show. */
export function pawanSse(e: Event): string | undefined {
  const id = e.seq > 0n ? String(e.seq) : undefined;
  const frame = (event: string, data: unknown) => encode({ event, data: JSON.stringify(data), id });
  const k = e.kind;
  switch (k.case) {
    case "token":
      return frame("token", { content: k.value.token });
    case "toolStart":
      return frame("tool_start", { name: k.value.name });
    case "toolComplete": {
      const { name, success, durationMs, resultPreview } = k.value;
      return frame("tool_complete", { name, success, duration_ms: Number(durationMs), result_preview: resultPreview });
    }
    case "complete": {
      const { response, iterations, toolCalls } = k.value;
      return frame("done", { session_id: e.conversationId, content: response, iterations, tool_calls: toolCalls });
    }
    case "error":
      return frame("error", { message: k.value.message });
    case "cancelled":
      return frame("error", { message: `cancelled: ${k.value.reason}` });
    case "heartbeat":
      return ": keep-alive\n\n";
    case "snapshot":
      // A resume opens with it: a client can tell "nothing missed" from "still waiting".
      return frame("snapshot", {
        session_id: e.conversationId,
        latest_seq: Number(k.value.latestSeq),
        active_runs: k.value.activeRuns.map((r) => r.runId),
        pending_approvals: pendingApprovalsJson(e),
      });
    case "gap":
      return frame("gap", {
        requested_after_seq: Number(k.value.requestedAfterSeq),
        oldest_available_seq: Number(k.value.oldestAvailableSeq),
      });
    default: {
      const approval = approvalFrame(e);
      return approval && frame(approval.event, approval.data);
    }
  }
}

/** An error after the stream started, as Pawan's `error` event. */
export function pawanSseError(message: string): string {
  return encode({ event: "error", data: JSON.stringify({ message }) });
}

/** Starts an SSE response on a hijacked reply; answers the function that writes to it. */
export function openSse(reply: FastifyReply): (chunk: string) => void {
  openEventStream(reply, { "content-type": "text/event-stream; charset=utf-8" });
  return (chunk) => void reply.raw.write(chunk);
}
