import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { type Event, EventSchema, type SnapshotEventSchema } from "../../gen/floe/v1/events_pb.js";
import { kPush, type PushableStream, type PushControl, type PushSink } from "../domain/push-stream.js";
import type { EventKindInit } from "./event-log.js";
import type { EventFeed, FeedItem } from "./event-feed.js";
import { pullFrom } from "./pull-adapter.js";

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
 * A snapshot, the stored events after the cursor, then live events, with
 * heartbeats while idle. Delivered by push (see domain/push-stream), or
 * iterated. Live events wait for a full reader up to `maxBuffered`: one that
 * falls further behind gets a `gap` naming the last cursor it was sent, and
 * its stream ends, so it never holds memory or slows the publisher. It can
 * resume from that cursor.
 */
export function subscribeFeed(feed: EventFeed, o: FeedSubscribeOptions): PushableStream<FeedOut> {
  return {
    [kPush]: (sink) => new FeedDelivery(feed, o, sink).start(),
    [Symbol.asyncIterator]: () => pullFrom<FeedOut>((sink) => new FeedDelivery(feed, o, sink).start()),
  };
}

const plain = (type: string, kind: EventKindInit): FeedOut => ({
  type,
  cursor: 0,
  event: create(EventSchema, { timestamp: new Date().toISOString(), kind }),
});

/** One subscriber's delivery: no promise is pending while it is idle; an event is one call. */
class FeedDelivery implements PushControl {
  private held: FeedItem[] = [];
  private head = 0;
  private full = false;
  private starting = true;
  private stopped = false;
  private last = 0;
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => void) | undefined;
  private onResume: (() => void) | undefined;
  private readonly onAbort = () => this.finish();

  constructor(
    private readonly feed: EventFeed,
    private readonly o: FeedSubscribeOptions,
    private readonly sink: PushSink<FeedOut>,
  ) {}

  start(): PushControl {
    // Where live delivery starts is the position the snapshot reports: read once, before any await.
    const latest = this.feed.latestCursor;
    this.last = this.o.afterCursor ?? latest;
    this.unlisten = this.feed.listen((item) => this.onLive(item));
    if (this.o.signal.aborted) queueMicrotask(this.onAbort);
    else this.o.signal.addEventListener("abort", this.onAbort);
    this.run(latest).catch((e: unknown) => this.finish(e));
    return this;
  }

  private async run(latest: number): Promise<void> {
    const snap = await this.o.snapshot();
    if (this.stopped) return;
    this.deliver(plain("snapshot", { case: "snapshot", value: { ...snap, latestSeq: BigInt(latest) } }));
    for (let page = this.o.afterCursor !== undefined; page && !this.stopped;) {
      const { items, gapOldest } = await this.feed.readAfter(this.last, REPLAY_PAGE);
      if (this.stopped) return;
      if (gapOldest !== undefined) {
        const value = { requestedAfterSeq: BigInt(this.last), oldestAvailableSeq: BigInt(gapOldest) };
        this.deliver(plain("gap", { case: "gap", value }));
      }
      for (const item of items) this.offer(item);
      page = items.length === REPLAY_PAGE;
      if (page && this.full) await new Promise<void>((resolve) => (this.onResume = resolve));
    }
    this.starting = false;
    this.flush();
    this.timer = setTimeout(() => this.heartbeat(), this.o.heartbeatMs);
  }

  private onLive(item: FeedItem): void {
    if (!this.o.filter(item)) return;
    if (this.starting || this.full || this.head < this.held.length) this.hold(item);
    else this.offer(item);
  }

  private hold(item: FeedItem): void {
    if (this.held.length - this.head >= this.o.maxBuffered) return this.overflow();
    this.held.push(item);
  }

  /** Sends an event unless the reader had it (replay and live meet) or the filter refuses it. */
  private offer(item: FeedItem): void {
    if (item.cursor > 0) {
      if (item.cursor <= this.last) return;
      this.last = item.cursor;
    }
    if (this.o.filter(item)) this.deliver(item);
  }

  private deliver(out: FeedOut): void {
    if (this.stopped) return;
    if (!this.sink.push(out)) this.full = true;
    if (!this.stopped) this.timer?.refresh();
  }

  resume(): void {
    this.full = false;
    const wake = this.onResume;
    this.onResume = undefined;
    wake?.();
    if (!this.starting) this.flush();
  }

  private flush(): void {
    while (!this.full && !this.stopped && this.head < this.held.length) this.offer(this.held[this.head++]!);
    // Drained: start over, so an idle subscriber holds nothing.
    if (this.head >= this.held.length) {
      this.held = [];
      this.head = 0;
    }
  }

  private heartbeat(): void {
    if (this.stopped) return;
    if (!this.full)
      this.deliver(plain("heartbeat", { case: "heartbeat", value: { latestSeq: BigInt(this.feed.latestCursor) } }));
    this.timer?.refresh();
  }

  /** Fallen behind: told where to resume from, then dropped. */
  private overflow(): void {
    const value = { requestedAfterSeq: BigInt(this.last), oldestAvailableSeq: BigInt(this.last + 1) };
    this.held = [];
    this.head = 0;
    this.full = false;
    this.deliver(plain("gap", { case: "gap", value }));
    this.finish();
  }

  cancel(): void {
    this.stop();
  }

  private finish(error?: unknown): void {
    if (this.stopped) return;
    this.stop();
    this.sink.end(error);
  }

  private stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.unlisten?.();
    this.o.signal.removeEventListener("abort", this.onAbort);
    const wake = this.onResume;
    this.onResume = undefined;
    wake?.();
  }
}
