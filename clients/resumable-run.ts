import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ChatRequestSchema } from "../gen/floe/v1/chat_pb.js";
import type { Event } from "../gen/floe/v1/events_pb.js";
import type { FloeServices } from "./services.js";

/** What a dropped connection or a restarting server looks like to a call. */
const RESUMABLE = new Set([Code.Unavailable, Code.Internal, Code.Unknown, Code.Canceled, Code.DeadlineExceeded]);
const TERMINAL = new Set(["complete", "error", "cancelled"]);

export interface ResumeOptions {
  signal?: AbortSignal;
  /** How many dropped connections one stream survives (default 5). */
  maxResumes?: number;
  /** Told before each resume, with the seq it resumes after. */
  onResume?: (afterSeq: bigint, attempt: number) => void;
  /** Cancel the run on the server when `signal` aborts (default true). */
  cancelOnAbort?: boolean;
}

/**
 * One run's events, surviving dropped connections: it starts with
 * StreamMessage and, after a drop, goes on with Subscribe from the last seq
 * seen (before any event, it repeats StreamMessage with the same request_id,
 * which the server answers with the same run). Events at or below the last
 * seq are skipped, so none is lost or repeated. Ends after the run's
 * terminal event. An abort cancels the run and rejects with the signal's reason.
 */
export async function* resumableRun(
  services: FloeServices,
  request: MessageInitShape<typeof ChatRequestSchema>,
  o: ResumeOptions = {},
): AsyncGenerator<Event> {
  const chat = { ...request, requestId: request.requestId || randomId() };
  const ids = { conversationId: "", runId: "" };
  let lastSeq = 0n;
  for (let attempt = 0; ; attempt++) {
    const stream = ids.conversationId
      ? services.chat.subscribe(
          {
            conversationId: ids.conversationId,
            afterSeq: lastSeq,
            includeReasoning: chat.includeReasoning,
            endAfterLiveRuns: true,
          },
          { signal: o.signal },
        )
      : services.chat.streamMessage({ chat }, { signal: o.signal });
    let failure: unknown = new ConnectError("the stream ended before the run did", Code.Unavailable);
    try {
      for await (const { event } of stream) {
        if (!event || !isNew(event, lastSeq)) continue;
        if (event.seq > 0n) lastSeq = event.seq;
        ids.conversationId ||= event.conversationId;
        if (event.kind.case === "start" && !ids.runId) ids.runId = event.runId;
        if (ids.runId && event.runId && event.runId !== ids.runId) continue;
        yield event;
        if (TERMINAL.has(event.kind.case ?? "")) return;
      }
    } catch (e) {
      if (o.signal?.aborted) {
        if (o.cancelOnAbort !== false) await cancelQuietly(services, ids);
        throw o.signal.reason;
      }
      if (!droppedConnection(e)) throw e;
      failure = e;
    }
    if (attempt >= (o.maxResumes ?? 5)) throw failure;
    o.onResume?.(lastSeq, attempt + 1);
    try {
      await sleep(Math.min(50 * 2 ** attempt, 2000), o.signal);
    } catch (reason) {
      if (o.cancelOnAbort !== false) await cancelQuietly(services, ids);
      throw reason;
    }
  }
}

/** A transport failure worth resuming after, not an answer of the server. */
function droppedConnection(e: unknown): boolean {
  const err = ConnectError.from(e);
  if (RESUMABLE.has(err.code)) return true;
  // connect-node over HTTP/1.1 reports a reset socket as Aborted; the server never ends a stream with it.
  const cause = (err.cause as { code?: string } | undefined)?.code;
  return err.code === Code.Aborted && ["ECONNRESET", "EPIPE", "ECONNREFUSED"].includes(cause ?? "");
}

function isNew(event: Event, lastSeq: bigint): boolean {
  const kind = event.kind.case;
  if (kind === undefined || kind === "snapshot" || kind === "heartbeat") return false;
  return event.seq === 0n || event.seq > lastSeq;
}

async function cancelQuietly(services: FloeServices, ids: { conversationId: string; runId: string }) {
  if (!ids.runId && !ids.conversationId) return;
  await services.chat
    .cancelRun({ runId: ids.runId, conversationId: ids.runId ? "" : ids.conversationId })
    .catch(() => {});
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      if (signal?.aborted) reject(signal.reason);
      else resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

function randomId(): string {
  return `client-${globalThis.crypto.randomUUID()}`;
}
