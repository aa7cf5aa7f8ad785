import { EventEmitter } from "node:events";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { Kysely } from "kysely";
import { type Event, EventSchema } from "../../gen/floe/v1/events_pb.js";
import type { Logger } from "../domain/logger.js";
import type { ClusterRelay } from "./cluster-relay.js";
import { RecentEvents } from "./recent-events.js";
import { toRow } from "./event-row.js";
import { EventTaps } from "./event-taps.js";
import * as store from "./event-store.js";
import { SeqAllocator } from "./seq-allocator.js";
import type { Database } from "../store/schema.js";

export type EventKind = Event["kind"];

/** An event payload as `append` takes it: a oneof case and its init shape. */
export type EventKindInit = MessageInitShape<typeof EventSchema>["kind"];

/** A run's delegation path; the task id on the events of a task itself. */
type EventTags = [agentPath?: string[], taskId?: string];
const RECENT_PER_CONVERSATION = 2000;

export interface EventLogOptions {
  /** Longest time an appended event waits before its batch is written. */
  flushIntervalMs: number;
  /** A batch this large is written at once. */
  maxBatch: number;
  /** Events kept per conversation; older ones are pruned and replays report a gap. */
  retention: number;
  /** Hears of each committed batch: the latest stored seq per conversation (other instances are told). */
  onStored?: (latest: ReadonlyMap<string, number>) => void;
}

/**
 * The durable, per-conversation event log. `append` numbers an event, publishes
 * it live at once and queues it; queued events are written in batched
 * transactions, so storage never caps token throughput. Readers see stored and
 * queued events alike, so nothing is missing between the two.
 */
export class EventLog {
  private readonly seqs: SeqAllocator;
  private readonly loading = new Map<string, Promise<void>>();
  /** Events numbered past the durable reservation, waiting for it. */
  private readonly held = new Map<string, Event[]>();
  /** Queued events with their seq as a number; rows (and their JSON) are built when a batch is written, off the path to the client. */
  private pending: { conversationId: string; seq: number; event: Event }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly bus = new EventEmitter();
  private appendsSincePrune = 0;
  private readonly recent: RecentEvents;
  private readonly taps: EventTaps;
  private relay: ClusterRelay | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: Logger,
    private readonly opts: EventLogOptions,
  ) {
    this.bus.setMaxListeners(0);
    this.taps = new EventTaps(log);
    this.recent = new RecentEvents(Math.min(RECENT_PER_CONVERSATION, opts.retention));
    this.seqs = new SeqAllocator(db, log, (id) => this.publishHeld(id));
  }

  /**
   * Loads a conversation's numbering; call before `append` on a conversation.
   * After a crash it first records a `gap` event over the seqs that may have
   * reached clients without being stored, so that no seq is ever reused and a
   * client resuming from any seq it saw is told what it cannot get.
   */
  prepare(conversationId: string): Promise<void> {
    const released = this.seqs.givingBack(conversationId);
    if (released) return released.then(() => this.prepare(conversationId));
    if (this.seqs.has(conversationId)) return Promise.resolve();
    let p = this.loading.get(conversationId);
    if (!p) {
      p = this.seqs.load(conversationId).then(async (lost) => {
        if (lost) {
          const gapSeq = this.seqs.latest(conversationId) + 1;
          this.append(conversationId, "", "", {
            case: "gap",
            value: { requestedAfterSeq: BigInt(lost.lostAfter), oldestAvailableSeq: BigInt(gapSeq) },
          });
          await this.flush();
        }
        this.loading.delete(conversationId);
      });
      this.loading.set(conversationId, p);
    }
    return p;
  }

  /** Prepares a conversation for reading; one numbered by another instance, or being given back, is followed through the relay. */
  prepareToRead(conversationId: string): Promise<void> {
    const released = this.relay && this.seqs.givingBack(conversationId);
    if (released) return released.then(() => this.prepareToRead(conversationId));
    const here = !this.relay || this.seqs.has(conversationId);
    return here ? this.prepare(conversationId) : this.relay!.observe(conversationId);
  }

  /** Batches read for other instances' news, and news heard (several instances; /metrics and tests). */
  remoteStats(): { reads: number; news: number; resyncs: number } {
    const r = this.relay;
    return { reads: r?.reads ?? 0, news: r?.news ?? 0, resyncs: r?.resyncs ?? 0 };
  }

  /** Follows conversations that other instances number (see ClusterRelay). */
  attachRelay(relay: ClusterRelay): void {
    this.relay = relay;
    relay.attach({
      owns: (id) => this.seqs.has(id),
      listening: (id) => this.bus.listenerCount(id) > 0,
      deliver: (id, events) => events.forEach((e) => this.publishRemote(id, e)),
    });
  }

  /** Several instances: an idle conversation's events are stored and its unused seqs given back, so the
   * next instance to run it numbers on with no gap. A run that started meanwhile (`idle` false) keeps it here. */
  async release(conversationId: string, idle: () => boolean): Promise<void> {
    await this.flush();
    if (!idle() || !this.seqs.has(conversationId) || this.held.has(conversationId)) return;
    this.relay?.adopt(conversationId, this.seqs.latest(conversationId));
    await this.seqs.giveBack(conversationId);
  }

  /** Marks a conversation being created with its run (and FIRST_SEQ_RESERVATION): its log starts at seq 1. */
  prepareNew(conversationId: string): void {
    this.seqs.adoptNew(conversationId);
  }

  /** The latest seq appended to a conversation (0 when none). Requires `prepare`. */
  latestSeq(conversationId: string): number {
    if (this.relay && !this.seqs.has(conversationId)) return this.relay.latest(conversationId) ?? 0;
    // Never beyond the durable reservation: a seq a client learns of is one no crash can give away again.
    return Math.min(this.seqs.latest(conversationId), this.seqs.durable(conversationId));
  }

  /**
   * Numbers, queues and publishes an event. The conversation must be
   * prepared. An event whose seq is not yet inside a durable reservation is
   * held back (rarely: reservations run ahead) and published, in order, once
   * it is. `taskId` marks the events of a task itself (not of its runs).
   */
  append(conversationId: string, runId: string, agentId: string, kind: EventKindInit, ...tags: EventTags): Event {
    const [agentPath, taskId] = tags;
    const seq = this.seqs.take(conversationId);
    if (seq === undefined) {
      // A programming error (or a conversation deleted under a run): never let it take the process down.
      const fields = { conversationId, runId, kind: kind?.case };
      this.log.error(fields, "event for a conversation that is not prepared: dropped");
      return create(EventSchema, { conversationId, runId, agentId, kind });
    }
    const timestamp = new Date().toISOString();
    const event = create(EventSchema, {
      seq: BigInt(seq),
      conversationId,
      runId,
      agentId,
      timestamp,
      kind,
      agentPath,
      taskId,
    });
    this.pending.push({ conversationId, seq, event });
    this.recent.remember(conversationId, event);
    const held = this.held.get(conversationId);
    if (held || seq > this.seqs.durable(conversationId)) {
      if (held) held.push(event);
      else this.held.set(conversationId, [event]);
    } else {
      this.publish(conversationId, event);
    }
    if (this.pending.length >= this.opts.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.opts.flushIntervalMs);
    return event;
  }

  /** Publishes held events whose reservation became durable, in order. */
  private publishHeld(conversationId: string): void {
    const held = this.held.get(conversationId);
    if (!held) return;
    const durable = this.seqs.durable(conversationId);
    while (held.length > 0 && Number(held[0]!.seq) <= durable) this.publish(conversationId, held.shift()!);
    if (held.length === 0) this.held.delete(conversationId);
  }

  /**
   * Events after `afterSeq` and, when older events were pruned, the oldest
   * retained seq (the caller reports a gap). Served from memory when the
   * cursor is recent enough, else from the database.
   */
  async readFrom(conversationId: string, afterSeq: number): Promise<{ events: Event[]; gapOldest?: number }> {
    const latest = this.latestSeq(conversationId);
    if (afterSeq >= latest && this.seqs.has(conversationId)) return { events: [] };
    // Held events (past the durable reservation) are not read back: they come live once it is durable.
    const visible = (events: Event[]) => events.filter((e) => Number(e.seq) <= latest);
    const fromMemory = this.recent.after(conversationId, afterSeq, latest);
    if (fromMemory) return { events: visible(fromMemory) };
    const oldest = await this.oldestSeq(conversationId);
    const events = visible(await this.replay(conversationId, afterSeq));
    return oldest > afterSeq + 1 ? { events, gapOldest: oldest } : { events };
  }

  /** Another instance's event: remembered and sent to this instance's listeners, not the taps (its feed is its own). */
  private publishRemote(conversationId: string, event: Event): void {
    this.recent.remember(conversationId, event);
    this.bus.emit(conversationId, event);
  }

  private publish(conversationId: string, event: Event): void {
    this.bus.emit(conversationId, event);
    this.taps.emit(event);
  }

  /** Follows every conversation's live events, in publish order (the feed and the metrics); returns the function that stops. */
  tap(listener: (e: Event) => void): () => void {
    return this.taps.add(listener);
  }

  /** Events appended but not yet written, and how long the oldest has waited (ms): the log's lag. */
  lag(): { events: number; oldestMs: number } {
    return store.lagOf(this.pending);
  }

  /** Follows a conversation's live events; returns the function that stops. */
  listen(conversationId: string, listener: (e: Event) => void): () => void {
    this.bus.on(conversationId, listener);
    return () => this.bus.off(conversationId, listener);
  }

  /** Writes every queued event; resolves once they are durable. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  private async write(batch: typeof this.pending): Promise<void> {
    if (batch.length === 0) return;
    const latest = store.latestPerConversation(batch);
    try {
      await store.writeEventBatch(this.db, batch.map(toRow), latest);
    } catch (e) {
      // Keep the events queued and try again: an acknowledged event is never dropped.
      this.log.error({ err: e, events: batch.length }, "event log write failed; retrying");
      this.pending = batch.concat(this.pending);
      this.timer ??= setTimeout(() => void this.flush(), Math.max(100, this.opts.flushIntervalMs));
      return;
    }
    this.opts.onStored?.(latest);
    this.appendsSincePrune += batch.length;
    if (this.appendsSincePrune >= Math.min(1000, this.opts.retention)) {
      this.appendsSincePrune = 0;
      await this.prune(new Set(batch.map((p) => p.conversationId)));
    }
  }

  private async prune(conversations: Set<string>): Promise<void> {
    for (const id of conversations) await store.pruneBefore(this.db, id, this.latestSeq(id) - this.opts.retention + 1);
  }

  /** Events with seq > afterSeq, stored or queued, in order. */
  replay(conversationId: string, afterSeq: number): Promise<Event[]> {
    return store.storedThenQueued(this.db, () => this.pending, conversationId, afterSeq);
  }

  /** The oldest retained seq of a conversation, or 0 when it has none. */
  async oldestSeq(conversationId: string): Promise<number> {
    const stored = await store.oldestStoredSeq(this.db, conversationId);
    return stored ?? this.pending.find((p) => p.conversationId === conversationId)?.seq ?? 0;
  }

  /** Forgets a deleted conversation. */
  forget(conversationId: string): void {
    this.seqs.forget(conversationId);
    this.held.delete(conversationId);
    this.recent.forget(conversationId);
    this.pending = this.pending.filter((p) => p.conversationId !== conversationId);
  }

  /** Writes what is queued and gives back unused seq reservations: a clean restart then reports no loss. */
  /** Aborted as the server drains: open subscriptions end cleanly, and their clients resume elsewhere. */
  readonly draining = new AbortController();

  async close(): Promise<void> {
    await this.flush();
    await this.seqs.release();
  }

  /** Whether a run's terminal event (complete, error or cancelled) is stored: a run may have ended just before a crash. */
  storedTerminal(conversationId: string, runId: string): Promise<Event | undefined> {
    return store.storedTerminal(this.db, conversationId, runId);
  }
}
