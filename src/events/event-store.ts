import { fromJsonString } from "@bufbuild/protobuf";
import type { Kysely } from "kysely";
import { type Event, EventSchema } from "../../gen/floe/v1/events_pb.js";
import { insertRows } from "../store/insert-rows.js";
import type { Database, EventsTable } from "../store/schema.js";
import { TERMINAL_KINDS } from "./caught-up.js";

/** Stores a batch of event rows and each conversation's latest seq, in one transaction. */
export async function writeEventBatch(
  db: Kysely<Database>,
  rows: EventsTable[],
  latest: ReadonlyMap<string, number>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Chunks keep SQLite under its bound-parameter limit.
    for (let i = 0; i < rows.length; i += 100) await insertRows(trx, "events", rows.slice(i, i + 100));
    for (const [id, seq] of latest) {
      await trx
        .updateTable("conversations")
        .set({ last_seq: seq })
        .where("id", "=", id)
        .where("last_seq", "<", seq)
        .execute();
    }
  });
}

/** Stored events of a conversation with seq > afterSeq, in order. */
export async function storedAfter(db: Kysely<Database>, conversationId: string, afterSeq: number): Promise<Event[]> {
  const rows = await db
    .selectFrom("events")
    .select(["seq", "payload"])
    .where("conversation_id", "=", conversationId)
    .where("seq", ">", afterSeq)
    .orderBy("seq")
    .execute();
  return rows.map((r) => fromJsonString(EventSchema, r.payload));
}

/** The oldest stored seq of a conversation, or undefined when it has none. */
export async function oldestStoredSeq(db: Kysely<Database>, conversationId: string): Promise<number | undefined> {
  const r = await db
    .selectFrom("events")
    .select((eb) => eb.fn.min<number | string | null>("seq").as("seq"))
    .where("conversation_id", "=", conversationId)
    .executeTakeFirst();
  return r?.seq !== null && r?.seq !== undefined ? Number(r.seq) : undefined;
}

/** A run's stored terminal event (complete, error or cancelled), if any. */
export async function storedTerminal(
  db: Kysely<Database>,
  conversationId: string,
  runId: string,
): Promise<Event | undefined> {
  const row = await db
    .selectFrom("events")
    .select("payload")
    .where("conversation_id", "=", conversationId)
    .where("run_id", "=", runId)
    .where("kind", "in", [...TERMINAL_KINDS])
    .executeTakeFirst();
  return row && fromJsonString(EventSchema, row.payload);
}

/** Deletes a conversation's events older than `keepFrom` (retention). */
export async function pruneBefore(db: Kysely<Database>, conversationId: string, keepFrom: number): Promise<void> {
  if (keepFrom <= 1) return;
  await db.deleteFrom("events").where("conversation_id", "=", conversationId).where("seq", "<", keepFrom).execute();
}

/** How many events wait to be written, and how long the oldest has waited (ms). */
export function lagOf(pending: readonly { event: Event }[]): { events: number; oldestMs: number } {
  const ts = pending[0]?.event.timestamp;
  return { events: pending.length, oldestMs: ts ? Date.now() - Date.parse(ts) : 0 };
}

/** The last seq per conversation in a batch (in seq order). */
export function latestPerConversation(batch: readonly { conversationId: string; seq: number }[]): Map<string, number> {
  const latest = new Map<string, number>();
  for (const p of batch) latest.set(p.conversationId, p.seq);
  return latest;
}

type Queued = { conversationId: string; seq: number; event: Event };

/** Stored events after `afterSeq`, then the queued ones (or those written while reading) after the last stored. */
export async function storedThenQueued(
  db: Kysely<Database>,
  queued: () => readonly Queued[],
  conversationId: string,
  afterSeq: number,
): Promise<Event[]> {
  const before = queued().filter((p) => p.conversationId === conversationId);
  const out = await storedAfter(db, conversationId, afterSeq);
  let last = out.length ? Number(out[out.length - 1]!.seq) : afterSeq;
  for (const p of before.concat(queued().filter((p) => p.conversationId === conversationId))) {
    if (p.seq > last) {
      out.push(p.event);
      last = p.seq;
    }
  }
  return out;
}
