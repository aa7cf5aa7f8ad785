import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { type Event, EventSchema, type SnapshotEventSchema } from "../../gen/floe/v1/events_pb.js";
import type { EventKindInit } from "./event-log.js";
import type { EventFeed, FeedItem } from "./event-feed.js";

const REPLAY_PAGE = 500;

export interface FeedSubscribeOptions {
  /** Replay stored events after this cursor (0: all retained); undefined follows live only. */
  afterCursor: number | undefined;
  filter: (item: FeedItem) => boolean;
  signal: AbortSignal;
  heartbeatMs: number;
  /** Live events held for this subscriber before it counts as fallen behind and is dropped. */
  maxBuffered: number;
  snapshot: () => Promise<Omit<MessageInitShape<typeof SnapshotEventSchema>, "latestSeq" | "$typeName">>;
}

/** What a feed subscriber receives: a feed event, or `snapshot`, `gap` or `heartbeat`. */
export interface FeedOut {
  type: string;
  event: Event;
  cursor: number;
}

/**
 * A snapshot, the stored events after the cursor, then live events. Live
 * events are buffered per subscriber up to `maxBuffered`: one that falls
 * further behind gets a `gap` naming the last cursor it was sent, and its
 * stream ends, so that it never holds memory or slows the publisher. It can
 * resume from that cursor.
 */
export async function* subscribeFeed(feed: EventFeed, o: FeedSubscribeOptions): AsyncGenerator<FeedOut> {
  const live = new BoundedBuffer(feed, o.maxBuffered, o.signal, o.filter);
  const plain = (type: string, kind: EventKindInit): FeedOut => ({
    type,
    cursor: 0,
    event: create(EventSchema, { timestamp: new Date().toISOString(), kind }),
  });
  try {
    // The position the snapshot reports is where live delivery starts: read once, before any await.
    const latest = feed.latestCursor;
    const replay = o.afterCursor !== undefined;
    let last = o.afterCursor ?? latest;
    const snap = await o.snapshot();
    yield plain("snapshot", { case: "snapshot", value: { ...snap, latestSeq: BigInt(latest) } });
    const out = (item: FeedItem): FeedOut | undefined => {
      if (item.cursor > 0) {
        if (item.cursor <= last) return undefined;
        last = item.cursor;
      }
      // The item itself: every subscriber gets the same object, so its encoding can be shared.
      return o.filter(item) ? item : undefined;
    };
    for (let page = replay; page;) {
      const { items, gapOldest } = await feed.readAfter(last, REPLAY_PAGE);
      if (gapOldest !== undefined) {
        const value = { requestedAfterSeq: BigInt(last), oldestAvailableSeq: BigInt(gapOldest) };
        yield plain("gap", { case: "gap", value });
      }
      for (const item of items) {
        const e = out(item);
        if (e) yield e;
      }
      page = items.length === REPLAY_PAGE;
    }
    while (!o.signal.aborted) {
      for (let item = live.next(); item; item = live.next()) {
        const e = out(item);
        if (e) yield e;
      }
      if (live.overflowed) {
        // Fallen behind: told where to resume from, then dropped.
        const value = { requestedAfterSeq: BigInt(last), oldestAvailableSeq: BigInt(last + 1) };
        yield plain("gap", { case: "gap", value });
        return;
      }
      if (await live.idle(o.heartbeatMs)) {
        yield plain("heartbeat", { case: "heartbeat", value: { latestSeq: BigInt(feed.latestCursor) } });
      }
    }
  } finally {
    live.close();
  }
}

/**
 * Live feed events for one subscriber, at most `max` of them. Items its
 * filter refuses are never held and never wake it. One timer per
 * subscriber, refreshed, paces heartbeats.
 */
class BoundedBuffer {
  private buffered: FeedItem[] = [];
  private head = 0;
  private wake: ((timedOut: boolean) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stop: (() => void) | undefined;
  private readonly onAbort = () => this.wake?.(false);
  overflowed = false;

  constructor(
    feed: EventFeed,
    private readonly max: number,
    private readonly signal: AbortSignal,
    filter: (item: FeedItem) => boolean,
  ) {
    this.stop = feed.listen((item) => {
      if (!filter(item)) return;
      if (this.buffered.length - this.head >= this.max) {
        this.overflowed = true;
        this.buffered = [];
        this.head = 0;
        this.close();
      } else this.buffered.push(item);
      this.wake?.(false);
    });
    signal.addEventListener("abort", this.onAbort);
  }

  next(): FeedItem | undefined {
    if (this.head >= this.buffered.length) {
      // Drained: start over, so an idle subscriber holds nothing.
      if (this.head > 0) {
        this.buffered = [];
        this.head = 0;
      }
      return undefined;
    }
    return this.buffered[this.head++];
  }

  /** Waits for an item or the abort; true when `ms` passed with neither (time for a heartbeat). */
  async idle(ms: number): Promise<boolean> {
    if (this.overflowed || this.signal.aborted) return false;
    const timedOut = await new Promise<boolean>((resolve) => {
      this.wake = resolve;
      if (this.timer) this.timer.refresh();
      else this.timer = setTimeout(() => this.wake?.(true), ms);
    });
    this.wake = undefined;
    return timedOut && !this.signal.aborted && this.head >= this.buffered.length;
  }

  close(): void {
    clearTimeout(this.timer);
    this.stop?.();
    this.stop = undefined;
    this.signal.removeEventListener("abort", this.onAbort);
  }
}
