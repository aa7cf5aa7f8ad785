import { ActionResultSchema } from "../../../gen/floe/v1/common_pb.js";
import type { Event } from "../../../gen/floe/v1/events_pb.js";
import { resumeFrame } from "../resume-frames.js";
import { toDocJson } from "../doc-json.js";

/** One WebSocket frame of Penguin's chat stream. */
export type Frame = { event: string; data: Record<string, unknown>; seq?: number };

/**
 * An event as Penguin's frame (name and data), or undefined for events the
 * stream does not show. Tokens are coalesced by the caller, not here.
 */
export function penguinFrame(e: Event, includeReasoning: boolean): Omit<Frame, "seq"> | undefined {
  const k = e.kind;
  switch (k.case) {
    case "reasoning":
      return includeReasoning ? { event: "reasoning", data: { token: k.value.token } } : undefined;
    case "start":
      return { event: "start", data: { conversation_id: e.conversationId, run_id: e.runId, model: k.value.model } };
    case "progress":
      return { event: "progress", data: { iteration: k.value.iteration, max_iterations: k.value.maxIterations } };
    case "queued":
      return { event: "queued", data: { position: k.value.position } };
    case "toolStart":
      return { event: "tool_start", data: { name: k.value.name, arguments: k.value.arguments } };
    case "toolComplete": {
      const { name, success, durationMs, resultPreview } = k.value;
      return {
        event: "tool_complete",
        data: { name, success, duration_ms: Number(durationMs), result_preview: resultPreview },
      };
    }
    case "complete":
      return {
        event: "complete",
        data: {
          response: k.value.response,
          action_results: k.value.actionResults.map((a) => toDocJson(ActionResultSchema, a)),
          reasoning: includeReasoning ? k.value.reasoning : "",
          conversation_id: e.conversationId,
          iterations: k.value.iterations,
          status: k.value.status,
        },
      };
    case "error":
      return { event: "error", data: { message: k.value.message, code: k.value.code } };
    case "cancelled":
      return { event: "cancelled", data: { reason: k.value.reason } };
    default:
      return resumeFrame(e);
  }
}
