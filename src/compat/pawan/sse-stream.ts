import { encode } from "eventsource-encoder";
import type { FastifyReply } from "fastify";
import type { Event } from "../../../gen/floe/v1/events_pb.js";

/** Pawan's SSE framing of one event; `undefined` for events Pawan does not show. */
export function pawanSse(e: Event, toolCalls: { n: number }): string | undefined {
  const id = e.seq > 0n ? String(e.seq) : undefined;
  const frame = (event: string, data: unknown) => encode({ event, data: JSON.stringify(data), id });
  switch (e.kind.case) {
    case "token":
      return frame("token", { content: e.kind.value.token });
    case "toolStart":
      toolCalls.n++;
      return frame("tool_start", { name: e.kind.value.name });
    case "toolComplete":
      return frame("tool_complete", {
        name: e.kind.value.name,
        success: e.kind.value.success,
        duration_ms: Number(e.kind.value.durationMs),
        result_preview: e.kind.value.resultPreview,
      });
    case "complete":
      return frame("done", {
        session_id: e.conversationId,
        content: e.kind.value.response,
        iterations: e.kind.value.iterations,
        tool_calls: e.kind.value.toolCalls,
      });
    case "error":
      return frame("error", { message: e.kind.value.message });
    case "cancelled":
      return frame("error", { message: `cancelled: ${e.kind.value.reason}` });
    case "heartbeat":
      return ": keep-alive\n\n";
    default:
      return undefined;
  }
}

/** Starts an SSE response on a hijacked reply (headers CORS hooks set are kept). */
export function openSse(reply: FastifyReply): (chunk: string) => void {
  const headers: Record<string, string> = {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
  };
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = String(v);
  reply.hijack();
  reply.raw.writeHead(200, headers);
  // Send the headers now: a client waits for them before reading events.
  (reply.raw as { flushHeaders?: () => void }).flushHeaders?.();
  return (chunk) => void reply.raw.write(chunk);
}
