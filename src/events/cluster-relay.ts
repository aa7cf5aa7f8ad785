import { fromJsonString } from "@bufbuild/protobuf";
import type { Kysely } from "kysely";
import { type Event, EventSchema } from "../../gen/floe/v1/events_pb.js";
import type { Logger } from "../domain/logger.js";
import type { Database } from "../store/schema.js";
import type { ClusterBus, ConversationNews } from "./cluster-bus.js";

/** What the relay needs from the event log of its instance. */
export interface RelayTarget {
  /** Whether this instance numbers the conversation's events (it runs there): its own events are published in process. */
  owns(conversationId: string): boolean;
  /** Whether anyone on this instance follows the conversation live. */
  listening(conversationId: string): boolean;
  /** Publishes stored events, in seq order, to the conversation's live listeners here. */
  deliver(conversationId: string, events: Event[]): void;
}

/**
 * The remote path of the event log: conversations whose runs execute on
 * another instance. When news arrives ("stored up to seq N"), the new events
 * are read from the events table once for this instance, whatever the
 * number of its subscribers, and handed to the log's live listeners. Work
 * per conversation is chained, so batches go out in seq order and never
 * twice. After the listening connection comes back, every followed
 * conversation is read again from its last delivered seq: nothing missed.
 */
export class ClusterRelay {
  /** Per followed conversation: the last seq known stored (and delivered here, when someone listens). */
  private readonly observed = new Map<string, number>();
  private readonly chains = new Map<string, Promise<void>>();
  private target: RelayTarget | undefined;
  private readonly stops: (() => void)[] = [];
  /** Batches read from the table (each shared by every subscriber of its conversation here). */
  reads = 0;
  /** News heard for conversations followed here. */
  news = 0;
  /** Catch-ups after the listening connection came back. */
  resyncs = 0;

  constructor(
    private readonly db: Kysely<Database>,
    bus: ClusterBus,
    private readonly log: Logger,
  ) {
    this.stops.push(bus.onEvents((n) => this.onNews(n)));
    this.stops.push(bus.onResync(() => this.resync()));
  }

  attach(target: RelayTarget): void {
    this.target = target;
  }

  /** The last seq known stored for a conversation this instance follows but does not own. */
  latest(conversationId: string): number | undefined {
    return this.observed.get(conversationId);
  }

  /** Starts following a conversation (a subscriber here); resolves once its latest stored seq is known. */
  observe(conversationId: string): Promise<void> {
    if (this.observed.has(conversationId)) return this.chains.get(conversationId) ?? Promise.resolve();
    this.observed.set(conversationId, 0);
    return this.step(conversationId, async () => {
      const stored = await this.maxStored(conversationId);
      this.observed.set(conversationId, Math.max(stored, this.observed.get(conversationId) ?? 0));
    });
  }

  /**
   * This instance stopped numbering the conversation after `seq`: later events come from elsewhere. With
   * nobody here listening, what was observed before this instance numbered it is stale: the next subscriber
   * loads it afresh.
   */
  adopt(conversationId: string, seq: number): void {
    if (this.target?.listening(conversationId)) {
      this.observed.set(conversationId, Math.max(seq, this.observed.get(conversationId) ?? 0));
    } else {
      this.observed.delete(conversationId);
    }
  }

  private onNews(n: ConversationNews): void {
    if (!this.observed.has(n.conversationId)) return;
    this.news++;
    void this.step(n.conversationId, () => this.catchUp(n.conversationId, n.seq));
  }

  private resync(): void {
    this.resyncs++;
    for (const id of this.observed.keys()) void this.step(id, () => this.catchUp(id));
  }

  /** Reads and delivers what is stored after the last delivered seq (up to `upTo`, when news said so). */
  private async catchUp(conversationId: string, upTo?: number): Promise<void> {
    const from = this.observed.get(conversationId);
    if (from === undefined || (upTo !== undefined && upTo <= from)) return;
    const t = this.target;
    if (!t || t.owns(conversationId) || !t.listening(conversationId)) {
      // Nobody here follows it: forget it, and the next subscriber loads it afresh.
      this.observed.delete(conversationId);
      return;
    }
    let q = this.db
      .selectFrom("events")
      .select("payload")
      .where("conversation_id", "=", conversationId)
      .where("seq", ">", from);
    if (upTo !== undefined) q = q.where("seq", "<=", upTo);
    const rows = await q.orderBy("seq").execute();
    this.reads++;
    if (rows.length === 0) return;
    const events = rows.map((r) => fromJsonString(EventSchema, r.payload));
    this.observed.set(conversationId, Number(events[events.length - 1]!.seq));
    t.deliver(conversationId, events);
  }

  private step(conversationId: string, work: () => Promise<void>): Promise<void> {
    const prev = this.chains.get(conversationId) ?? Promise.resolve();
    const next = prev.then(work).catch((err: unknown) => {
      // The next news (or resync) retries from the last delivered seq.
      this.log.error({ err, conversationId }, "could not read another instance's events");
    });
    this.chains.set(conversationId, next);
    void next.then(() => {
      if (this.chains.get(conversationId) === next) this.chains.delete(conversationId);
    });
    return next;
  }

  private async maxStored(conversationId: string): Promise<number> {
    const r = await this.db
      .selectFrom("events")
      .select((eb) => eb.fn.max<number | string | null>("seq").as("seq"))
      .where("conversation_id", "=", conversationId)
      .executeTakeFirst();
    return Number(r?.seq ?? 0);
  }

  close(): void {
    for (const stop of this.stops) stop();
  }
}
