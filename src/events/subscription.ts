import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { type Event, EventSchema, SnapshotEventSchema } from "../../gen/floe/v1/events_pb.js";
import { caughtUp } from "./caught-up.js";
import type { EventKindInit, EventLog } from "./event-log.js";

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
  /**
   * End once caught up: every event up to the snapshot's latest seq, and the
   * terminal event of every run active at the snapshot (see caughtUp).
   * Needs the snapshot.
   */
  endAfterLiveRuns?: boolean;
}

/**
 * Snapshot, then replay after the cursor, then live events, with heartbeats
 * while idle. The live listener is attached before the replay is read, and
 * events are deduplicated by seq, so nothing is missed or repeated where
 * replay and live meet. A cursor older than retention yields a `gap` first.
 */
export async function* subscribe(log: EventLog, o: SubscribeOptions): AsyncGenerator<Event> {
  const signal = AbortSignal.any([o.signal, log.draining.signal]);
  const live = new LiveBuffer(log, o.conversationId, signal);
  const unstamped = (kind: EventKindInit) =>
    create(EventSchema, { conversationId: o.conversationId, timestamp: new Date().toISOString(), kind });
  const ended = o.endAfterLiveRuns ? caughtUp(BigInt(o.afterSeq)) : undefined;
  const until = (e: Event) => (o.until?.(e) ?? false) || (ended?.(e) ?? false);
  try {
    await log.prepareToRead(o.conversationId);
    if (!o.skipSnapshot) {
      const snap = await o.snapshot();
      const latestSeq = BigInt(log.latestSeq(o.conversationId));
      const snapshot = unstamped({ case: "snapshot", value: create(SnapshotEventSchema, { ...snap, latestSeq }) });
      yield snapshot;
      if (ended?.(snapshot)) return;
    }
    let last = o.afterSeq;
    const { events, gapOldest } = await log.readFrom(o.conversationId, o.afterSeq);
    if (gapOldest !== undefined) {
      const gap = { requestedAfterSeq: BigInt(o.afterSeq), oldestAvailableSeq: BigInt(gapOldest) };
      yield unstamped({ case: "gap", value: gap });
    }
    const emit = function* (e: Event): Generator<Event, boolean> {
      const seq = Number(e.seq);
      if (seq <= last) return false;
      last = seq;
      if (!o.filter || o.filter(e)) yield e;
      return until(e);
    };
    for (const e of events) {
      if (yield* emit(e)) return;
    }
    while (!signal.aborted) {
      for (let e = live.next(); e; e = live.next()) {
        if (yield* emit(e)) return;
      }
      if (await live.idle(o.heartbeatMs)) {
        yield unstamped({ case: "heartbeat", value: { latestSeq: BigInt(log.latestSeq(o.conversationId)) } });
      }
    }
  } finally {
    live.close();
  }
}

/** Live events buffered from the moment of subscribing, so that none is missed while the replay is read. */
class LiveBuffer {
  private readonly buffered: Event[] = [];
  private wake: (() => void) | undefined;
  private readonly stop: () => void;
  private readonly onAbort = () => this.wake?.();

  constructor(
    log: EventLog,
    conversationId: string,
    private readonly signal: AbortSignal,
  ) {
    this.stop = log.listen(conversationId, (e) => {
      this.buffered.push(e);
      this.wake?.();
    });
    signal.addEventListener("abort", this.onAbort);
  }

  next(): Event | undefined {
    return this.buffered.shift();
  }

  /** Waits for an event or the abort; true when `ms` passed with neither (time for a heartbeat). */
  async idle(ms: number): Promise<boolean> {
    const timedOut = await new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(true), ms);
      this.wake = () => {
        clearTimeout(t);
        resolve(false);
      };
    });
    this.wake = undefined;
    return timedOut && !this.signal.aborted && this.buffered.length === 0;
  }

  close(): void {
    this.stop();
    this.signal.removeEventListener("abort", this.onAbort);
  }
}
