import type { Kysely } from "kysely";
import type { Logger } from "../domain/logger.js";
import { FIRST_SEQ_RESERVATION } from "../store/run-start-store.js";
import type { Database } from "../store/schema.js";

interface SeqState {
  /** The next seq to hand out. */
  next: number;
  /** The highest seq whose reservation is durable: events up to it may be published. */
  durable: number;
  bumping?: Promise<void>;
}

/**
 * Numbers each conversation's events, and makes sure no seq a client may have
 * seen is ever handed out again, even after a crash. Seqs are reserved in
 * blocks, durably (`conversations.reserved_seq`), ahead of use; an event may
 * be published only once its seq is inside a durable reservation. After a
 * crash, numbering resumes above the reservation, and the range between the
 * last stored event and the reservation is reported as possibly lost. A clean
 * shutdown gives back what was not used.
 */
export class SeqAllocator {
  private readonly state = new Map<string, SeqState>();
  private readonly givingBackNow = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly log: Logger,
    /** Called when a reservation became durable: held events up to `durableSeq` may go out. */
    private readonly onDurable: (conversationId: string) => void,
    private readonly block = FIRST_SEQ_RESERVATION,
  ) {}

  has(conversationId: string): boolean {
    return this.state.has(conversationId);
  }

  /**
   * Loads a conversation's numbering and makes a reservation durable. Returns
   * the range a crash may have lost: seqs after the last stored event, up to
   * the reservation that was never given back.
   */
  async load(conversationId: string): Promise<{ lostAfter: number; lostThrough: number } | undefined> {
    const [last, row] = await Promise.all([
      this.db
        .selectFrom("events")
        .select((eb) => eb.fn.max<number | string | null>("seq").as("seq"))
        .where("conversation_id", "=", conversationId)
        .executeTakeFirst(),
      this.db.selectFrom("conversations").select("reserved_seq").where("id", "=", conversationId).executeTakeFirst(),
    ]);
    if (this.state.has(conversationId)) return undefined;
    const stored = Number(last?.seq ?? 0);
    const reserved = Number(row?.reserved_seq ?? 0);
    const next = Math.max(stored, reserved) + 1;
    // No reservation yet: the first `take` asks for one, so a conversation only read (a subscription) costs no write.
    this.state.set(conversationId, { next, durable: next - 1 });
    return reserved > stored ? { lostAfter: stored, lostThrough: reserved } : undefined;
  }

  /** A conversation created just now with FIRST_SEQ_RESERVATION: numbering starts at 1. */
  adoptNew(conversationId: string): void {
    if (!this.state.has(conversationId)) this.state.set(conversationId, { next: 1, durable: FIRST_SEQ_RESERVATION });
  }

  /**
   * Hands out the next seq, or undefined when the conversation was not
   * loaded; reserves more in the background when the reservation runs low.
   */
  take(conversationId: string): number | undefined {
    const s = this.state.get(conversationId);
    if (!s) return undefined;
    const seq = s.next++;
    if (s.durable - s.next < this.block / 2 && !s.bumping) void this.bump(conversationId);
    return seq;
  }

  /** The latest seq handed out (0 when none). */
  latest(conversationId: string): number {
    return (this.state.get(conversationId)?.next ?? 1) - 1;
  }

  /** The highest seq that may be published. */
  durable(conversationId: string): number {
    return this.state.get(conversationId)?.durable ?? 0;
  }

  forget(conversationId: string): void {
    this.state.delete(conversationId);
  }

  /** Gives back unused reservations (clean shutdown): after it, a restart reports no loss. */
  async release(): Promise<void> {
    await Promise.all([...this.state.values()].map((s) => s.bumping?.catch(() => undefined)));
    // One transaction: one commit for every conversation this process numbered.
    await this.db.transaction().execute(async (trx) => {
      for (const [id, s] of this.state) {
        await trx
          .updateTable("conversations")
          .set({ reserved_seq: s.next - 1 })
          .where("id", "=", id)
          .execute();
      }
    });
  }

  /**
   * Stops numbering one conversation and gives back its unused seqs (another
   * instance numbers it next). Its state is forgotten at once; `givingBack`
   * is the write, which a new `load` must wait for.
   */
  giveBack(conversationId: string): Promise<void> {
    const s = this.state.get(conversationId);
    if (!s) return Promise.resolve();
    this.state.delete(conversationId);
    const write = (async () => {
      await s.bumping?.catch(() => undefined);
      await this.db
        .updateTable("conversations")
        .set({ reserved_seq: s.next - 1 })
        .where("id", "=", conversationId)
        // Never below another instance's reservation: one that took the conversation over reserved past this one's.
        .where("reserved_seq", "<=", s.durable)
        .execute();
    })().finally(() => this.givingBackNow.delete(conversationId));
    this.givingBackNow.set(conversationId, write);
    return write;
  }

  /** The pending give-back write of a conversation, if any. */
  givingBack(conversationId: string): Promise<void> | undefined {
    return this.givingBackNow.get(conversationId);
  }

  private bump(conversationId: string): Promise<void> {
    const s = this.state.get(conversationId)!;
    if (s.bumping) return s.bumping;
    const target = s.next - 1 + this.block;
    s.bumping = this.db
      .updateTable("conversations")
      .set({ reserved_seq: target })
      .where("id", "=", conversationId)
      .where("reserved_seq", "<", target)
      .execute()
      .then(
        () => {
          s.bumping = undefined;
          s.durable = Math.max(s.durable, target);
          this.onDurable(conversationId);
        },
        (e: unknown) => {
          // Events past the reservation wait; the next append tries again.
          s.bumping = undefined;
          this.log.error({ err: e, conversationId }, "could not reserve event sequence numbers");
        },
      );
    return s.bumping;
  }
}
