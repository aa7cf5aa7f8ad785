import { EventEmitter } from "node:events";
import { toJsonString } from "@bufbuild/protobuf";
import { EventSchema } from "../../gen/floe/v1/events_pb.js";
import type { Logger } from "../domain/logger.js";
import type { FeedRepository } from "../store/feed-repository.js";
import type { ClusterBus } from "./cluster-bus.js";
import { type FeedItem, feedItemOf } from "./feed-item.js";
import { FeedRelay } from "./feed-relay.js";

export type { FeedItem, FeedType } from "./feed-item.js";

export type FeedInput = Omit<FeedItem, "cursor">;

/**
 * The cross-conversation event feed behind MessageService.SubscribeEvents and
 * Penguin's event WebSocket. Bus messages, stored chat messages and messages
 * to the human are stored in order, each with a cursor, and published once
 * stored, so a cursor a client saw always resumes. Stream chunks are live
 * only: their text is in the `message` that ends the run.
 */
export class EventFeed {
  /** The last cursor handed out. */
  private latest = 0;
  /** The last cursor stored and published: where a new subscriber starts. */
  private published = 0;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly listeners = new EventEmitter();
  private sincePrune = 0;
  private cluster?: ClusterBus;
  private relay?: FeedRelay;

  constructor(
    private readonly repo: FeedRepository,
    private readonly log: Logger,
    private readonly retention: number,
  ) {
    this.listeners.setMaxListeners(0);
  }

  async load(): Promise<void> {
    this.latest = await this.repo.latestCursor();
    this.published = this.latest;
    if (this.cluster)
      this.relay = new FeedRelay(this.repo, this.cluster, this.log, this.published, (i) => this.emit(i));
  }

  /**
   * Several instances: every item, this instance's and the others', is
   * published in cursor order from the table (see FeedRelay). Before `load`.
   */
  attachCluster(bus: ClusterBus): void {
    if (bus.shared) this.cluster = bus;
  }

  /** Stops following other instances (shutdown). */
  close(): void {
    this.relay?.close();
  }

  /** The relay publishing the shared feed, when several instances may share it. */
  get clusterRelay(): FeedRelay | undefined {
    return this.relay;
  }

  private emit(item: FeedItem): void {
    this.published = item.cursor;
    this.listeners.emit("item", item);
  }

  /** The cursor of the last event published; an event still being stored is after it. */
  get latestCursor(): number {
    return this.published;
  }

  /** Stores an event and then publishes it. Writes are serialized, so cursors are published in order. */
  publish(input: FeedInput): Promise<FeedItem> {
    let cursor = 0;
    const write = this.writes.then(async () => {
      const item = await this.store(input);
      cursor = item.cursor;
      if (this.relay) this.relay.stored(item.cursor);
      else this.emit(item);
      if (++this.sincePrune >= 1000) {
        this.sincePrune = 0;
        await this.repo.prune(item.cursor, this.retention);
      }
      return item;
    });
    this.writes = write.catch((e: unknown) => this.log.error({ err: e, cursor }, "feed write failed"));
    return write;
  }

  /**
   * Numbers and stores an item. Instances sharing a database number the one
   * feed: a cursor another instance took first is a conflict, and the item
   * is numbered again after the stored latest.
   */
  private async store(input: FeedInput): Promise<FeedItem> {
    for (let attempt = 0; ; attempt++) {
      const item: FeedItem = { ...input, cursor: ++this.latest };
      try {
        await this.repo.insert({
          cursor: item.cursor,
          type: item.type,
          conversation_id: item.event.conversationId,
          agent_id: item.agents.join(","),
          channel: item.channel,
          message_type: item.messageType,
          payload: toJsonString(EventSchema, item.event),
          created_at: item.event.timestamp,
        });
        return item;
      } catch (e) {
        if (attempt >= 5) throw e;
        this.latest = Math.max(this.latest, await this.repo.latestCursor());
      }
    }
  }

  /** Deletes the stored events of a deleted conversation: what it said is not kept elsewhere. */
  async forgetConversation(conversationId: string): Promise<void> {
    await this.writes;
    await this.repo.deleteConversation(conversationId);
  }

  /** Publishes a live-only event (a stream chunk). */
  publishLive(input: FeedInput): void {
    if (this.listeners.listenerCount("item") > 0) this.listeners.emit("item", { ...input, cursor: 0 });
  }

  listen(listener: (item: FeedItem) => void): () => void {
    this.listeners.on("item", listener);
    return () => this.listeners.off("item", listener);
  }

  /** Stored events after `cursor` (at most `limit`), and whether older ones were pruned. */
  async readAfter(cursor: number, limit: number): Promise<{ items: FeedItem[]; gapOldest?: number }> {
    await this.writes;
    const rows = await this.repo.after(cursor, limit);
    const items = rows.map(feedItemOf);
    const oldest = await this.repo.oldestCursor();
    return oldest > cursor + 1 ? { items, gapOldest: oldest } : { items };
  }
}
