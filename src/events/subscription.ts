import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { EventSchema, SnapshotEventSchema, type Event } from "../../gen/floe/v1/events_pb.js";
import type { EventLog } from "./event-log.js";

export interface SubscribeOptions {
  conversationId: string;
  /** Replay events with seq greater than this. */
  afterSeq: number;
  signal: AbortSignal;
  heartbeatMs: number;
  /** The snapshot sent first; built after the live listener is attached. */
  snapshot: () => Promise<Omit<MessageInitShape<typeof SnapshotEventSchema>, "latestSeq" | "$typeName">>;
  /** Stop after yielding an event for which this returns true. */
  until?: (e: Event) => boolean;
  /** Skip events for which this returns false (they still advance the cursor). */
  filter?: (e: Event) => boolean;
  /** Skip the snapshot (a run stream opens with its start event instead). */
  skipSnapshot?: boolean;
}

/**
 * Snapshot, then replay after the cursor, then live events, with heartbeats
 * while idle. The live listener is attached before the replay is read, and
 * events are deduplicated by seq, so nothing is missed or repeated where
 * replay and live meet. A cursor older than retention yields a `gap` first.
 */
export async function* subscribe(log: EventLog, o: SubscribeOptions): AsyncGenerator<Event> {
  const buffered: Event[] = [];
  let wake: (() => void) | undefined;
  const stop = log.listen(o.conversationId, (e) => {
    buffered.push(e);
    wake?.();
  });
  const onAbort = () => wake?.();
  o.signal.addEventListener("abort", onAbort);
  const base = { conversationId: o.conversationId, timestamp: "" };
  const now = () => new Date().toISOString();
  try {
    await log.prepare(o.conversationId);
    if (!o.skipSnapshot) {
      const snap = await o.snapshot();
      yield create(EventSchema, {
        ...base,
        timestamp: now(),
        kind: {
          case: "snapshot",
          value: create(SnapshotEventSchema, { ...snap, latestSeq: BigInt(log.latestSeq(o.conversationId)) }),
        },
      });
    }
    let last = o.afterSeq;
    const { events, gapOldest } = await log.readFrom(o.conversationId, o.afterSeq);
    if (gapOldest !== undefined) {
      yield create(EventSchema, {
        ...base,
        timestamp: now(),
        kind: { case: "gap", value: { requestedAfterSeq: BigInt(o.afterSeq), oldestAvailableSeq: BigInt(gapOldest) } },
      });
    }
    const emit = function* (e: Event): Generator<Event, boolean> {
      const seq = Number(e.seq);
      if (seq <= last) return false;
      last = seq;
      if (!o.filter || o.filter(e)) yield e;
      return o.until?.(e) ?? false;
    };
    for (const e of events) {
      if (yield* emit(e)) return;
    }
    while (!o.signal.aborted) {
      while (buffered.length > 0) {
        if (yield* emit(buffered.shift()!)) return;
      }
      const idle = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(true), o.heartbeatMs);
        wake = () => {
          clearTimeout(t);
          resolve(false);
        };
      });
      wake = undefined;
      if (idle && !o.signal.aborted && buffered.length === 0) {
        yield create(EventSchema, {
          ...base,
          timestamp: now(),
          kind: { case: "heartbeat", value: { latestSeq: BigInt(log.latestSeq(o.conversationId)) } },
        });
      }
    }
  } finally {
    stop();
    o.signal.removeEventListener("abort", onAbort);
  }
}
