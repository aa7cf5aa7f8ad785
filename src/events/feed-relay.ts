import type { Logger } from "../domain/logger.js";
import type { FeedRepository } from "../store/feed-repository.js";
import type { ClusterBus } from "./cluster-bus.js";
import { type FeedItem, feedItemOf } from "./feed-item.js";

const PAGE = 500;
/** How long a missing cursor is waited for (an insert on another instance not yet committed) before it is skipped. */
const HOLE_WAIT_MS = 300;
const RETRY_MS = 20;

/**
 * Several instances number one feed. Each publishes its items in cursor
 * order, its own and the others' alike, by reading the table after the last
 * cursor it published whenever any instance announces a new one (or after a
 * reconnect of the bus). Two instances may commit cursors out of order: a
 * missing cursor is waited for briefly, then skipped (it stays readable by
 * a resume from an older cursor).
 */
export class FeedRelay {
  private pumping = false;
  private closed = false;
  private again = false;
  private holeSince: number | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stops: (() => void)[] = [];
  /** Items published through the table (tests assert this path ran). */
  relayed = 0;

  constructor(
    private readonly repo: FeedRepository,
    private readonly bus: ClusterBus,
    private readonly log: Logger,
    private delivered: number,
    private readonly deliver: (item: FeedItem) => void,
  ) {
    this.stops.push(
      bus.onFeed(() => this.pump()),
      bus.onResync(() => this.pump()),
    );
  }

  /** This instance stored an item: the others hear of it, and it is published here in order. */
  stored(cursor: number): void {
    this.bus.announceFeed(cursor);
    this.pump();
  }

  pump(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.drain()
      .catch((err: unknown) => {
        if (this.closed) return;
        this.log.error({ err }, "could not read the feed; retrying");
        this.retryLater(1000);
      })
      .finally(() => {
        this.pumping = false;
        if (this.again) {
          this.again = false;
          this.pump();
        }
      });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const rows = await this.repo.after(this.delivered, PAGE);
      if (this.closed) return;
      for (const row of rows) {
        const item = feedItemOf(row);
        if (item.cursor > this.delivered + 1 && !this.waitedForHole()) return this.retryLater();
        this.holeSince = undefined;
        this.delivered = item.cursor;
        this.relayed++;
        this.deliver(item);
      }
      if (rows.length < PAGE) return;
    }
  }

  private waitedForHole(): boolean {
    const now = Date.now();
    this.holeSince ??= now;
    return now - this.holeSince >= HOLE_WAIT_MS;
  }

  private retryLater(ms = RETRY_MS): void {
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.pump(), ms);
    this.retry.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    for (const stop of this.stops) stop();
  }
}
