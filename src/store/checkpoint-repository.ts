import type { Kysely, Selectable } from "kysely";
import { BLOB_LOCK, insertBlob } from "./blob-repository.js";
import { insertRows } from "./insert-rows.js";
import { lockInTransaction, whileLocked } from "./store-locks.js";
import type { CheckpointFilesTable, CheckpointsTable, Database } from "./schema.js";

export type CheckpointRow = Selectable<CheckpointsTable> & { file_count: number };
export type FileChangeRow = Selectable<CheckpointFilesTable>;

/** The pending changes of a conversation: file rows not yet in a checkpoint. */
const PENDING = "";

/**
 * Checkpoints and the file changes they hold. A file row belongs to the
 * first checkpoint taken after the change (until then it is pending); it
 * keeps the content hash before the first change and after the last one.
 */
export class CheckpointRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records an agent's change of a file: a new pending row, or the pending
   * row's new `after`. `contents` (the blobs the hashes name) are stored in
   * the same transaction, so garbage collection cannot remove them between.
   */
  async recordChange(c: Omit<CheckpointFilesTable, "checkpoint_id">, contents: Buffer[] = []): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await lockInTransaction(trx, BLOB_LOCK, "shared");
      for (const bytes of contents) await insertBlob(trx, bytes, c.changed_at);
      const updated = await trx
        .updateTable("checkpoint_files")
        .set({ after_hash: c.after_hash, changed_at: c.changed_at, root: c.root })
        .where("conversation_id", "=", c.conversation_id)
        .where("checkpoint_id", "=", PENDING)
        .where("path", "=", c.path)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0)
        await insertRows(trx, "checkpoint_files", [{ ...c, checkpoint_id: PENDING }]);
    });
  }

  /**
   * Inserts a checkpoint at the conversation's current message count; the
   * pending file changes become its own. Null when the conversation is gone.
   */
  async take(
    c: Pick<CheckpointsTable, "id" | "conversation_id" | "name" | "description" | "type" | "created_at">,
  ): Promise<CheckpointRow | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const conv = await trx
        .selectFrom("conversations")
        .select("message_count")
        .where("id", "=", c.conversation_id)
        .executeTakeFirst();
      if (!conv) return undefined;
      const count = Number(conv.message_count);
      const last = await trx
        .selectFrom("messages")
        .select("id")
        .where("conversation_id", "=", c.conversation_id)
        .where("position", "=", count)
        .executeTakeFirst();
      const top = await trx
        .selectFrom("checkpoints")
        .select((eb) => eb.fn.max<number | string | null>("ordinal").as("n"))
        .where("conversation_id", "=", c.conversation_id)
        .executeTakeFirst();
      const row: CheckpointsTable = {
        ...c,
        message_count: count,
        last_message_id: last?.id ?? "",
        ordinal: Number(top?.n ?? 0) + 1,
      };
      await insertRows(trx, "checkpoints", [row]);
      const moved = await trx
        .updateTable("checkpoint_files")
        .set({ checkpoint_id: c.id })
        .where("conversation_id", "=", c.conversation_id)
        .where("checkpoint_id", "=", PENDING)
        .executeTakeFirst();
      return { ...row, file_count: Number(moved.numUpdatedRows) };
    });
  }

  async get(id: string): Promise<CheckpointRow | undefined> {
    const row = await this.withFileCount().where("c.id", "=", id).executeTakeFirst();
    return row && { ...row, file_count: Number(row.file_count) };
  }

  /** Newest first; `conversationId` empty lists every conversation's. */
  async list(conversationId: string, limit: number): Promise<CheckpointRow[]> {
    let q = this.withFileCount();
    if (conversationId) q = q.where("c.conversation_id", "=", conversationId);
    const rows = await q.orderBy("c.created_at", "desc").orderBy("c.ordinal", "desc").limit(limit).execute();
    return rows.map((r) => ({ ...r, file_count: Number(r.file_count) }));
  }

  private withFileCount() {
    return this.db
      .selectFrom("checkpoints as c")
      .selectAll("c")
      .select((eb) =>
        eb
          .selectFrom("checkpoint_files as f")
          .select((e) => e.fn.countAll<number | string>().as("n"))
          .whereRef("f.checkpoint_id", "=", "c.id")
          .as("file_count"),
      );
  }

  /** Checkpoints by type. */
  async countByType(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom("checkpoints")
      .select(["type", (eb) => eb.fn.countAll<number | string>().as("n")])
      .groupBy("type")
      .execute();
    return new Map(rows.map((r) => [r.type, Number(r.n)]));
  }

  /**
   * The largest message count of the conversation's checkpoints that are
   * still on its history (their last message is live): where counting
   * toward the next automatic checkpoint starts.
   */
  async countAtLatestOnHistory(conversationId: string): Promise<number> {
    const r = await this.db
      .selectFrom("checkpoints as c")
      .innerJoin("messages as m", "m.id", "c.last_message_id")
      .select((eb) => eb.fn.max<number | string | null>("c.message_count").as("n"))
      .where("c.conversation_id", "=", conversationId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** File changes after a checkpoint (later checkpoints', then pending ones), oldest first. */
  async changesAfter(cp: CheckpointRow): Promise<FileChangeRow[]> {
    const rows = await this.db
      .selectFrom("checkpoint_files as f")
      .leftJoin("checkpoints as c", "c.id", "f.checkpoint_id")
      .selectAll("f")
      .select("c.ordinal")
      .where("f.conversation_id", "=", cp.conversation_id)
      .where((eb) => eb.or([eb("c.ordinal", ">", cp.ordinal), eb("f.checkpoint_id", "=", PENDING)]))
      .execute();
    const order = (r: { ordinal: number | null }) => (r.ordinal === null ? Infinity : Number(r.ordinal));
    return rows.sort((a, b) => order(a) - order(b)).map(({ ordinal: _, ...f }) => f);
  }

  /** Checkpoints created before `cutoff` (ISO time), of `type` when given. */
  async olderThan(cutoff: string, type?: string): Promise<CheckpointRow[]> {
    let q = this.withFileCount().where("c.created_at", "<", cutoff);
    if (type) q = q.where("c.type", "=", type);
    return (await q.execute()).map((r) => ({ ...r, file_count: Number(r.file_count) }));
  }

  /** Checkpoints whose conversation was deleted. */
  async orphans(): Promise<CheckpointRow[]> {
    const rows = await this.withFileCount()
      .where((eb) =>
        eb.not(
          eb.exists(eb.selectFrom("conversations as v").select("v.id").whereRef("v.id", "=", "c.conversation_id")),
        ),
      )
      .execute();
    return rows.map((r) => ({ ...r, file_count: Number(r.file_count) }));
  }

  /**
   * Deletes a checkpoint. Its file changes merge into the conversation's
   * next checkpoint (or the pending changes): the next one's `before` is
   * then this one's, so every older checkpoint still restores correctly.
   * The changes of the conversation's earliest checkpoint are dropped: no
   * checkpoint before them could need them.
   */
  async delete(cp: CheckpointRow): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const prev = await trx
        .selectFrom("checkpoints")
        .select("id")
        .where("conversation_id", "=", cp.conversation_id)
        .where("ordinal", "<", cp.ordinal)
        .limit(1)
        .executeTakeFirst();
      const next = await trx
        .selectFrom("checkpoints")
        .select("id")
        .where("conversation_id", "=", cp.conversation_id)
        .where("ordinal", ">", cp.ordinal)
        .orderBy("ordinal")
        .limit(1)
        .executeTakeFirst();
      const target = next?.id ?? PENDING;
      const mine = prev
        ? await trx.selectFrom("checkpoint_files").selectAll().where("checkpoint_id", "=", cp.id).execute()
        : [];
      for (const f of mine) {
        const merged = await trx
          .updateTable("checkpoint_files")
          .set({ before_hash: f.before_hash })
          .where("conversation_id", "=", cp.conversation_id)
          .where("checkpoint_id", "=", target)
          .where("path", "=", f.path)
          .executeTakeFirst();
        if (Number(merged.numUpdatedRows) === 0)
          await insertRows(trx, "checkpoint_files", [{ ...f, checkpoint_id: target }]);
      }
      await trx.deleteFrom("checkpoint_files").where("checkpoint_id", "=", cp.id).execute();
      await trx.deleteFrom("checkpoints").where("id", "=", cp.id).execute();
    });
  }

  /** Runs `work` holding the lock `name` across the instances sharing this store (see whileLocked). */
  exclusively<T>(name: string, busy: () => Error, work: () => Promise<T>): Promise<T> {
    return whileLocked(this.db, name, busy, work);
  }

  /** Drops the file rows of conversations that no longer exist and have no checkpoint. */
  async dropOrphanFiles(): Promise<void> {
    await this.db
      .deleteFrom("checkpoint_files as f")
      .where((eb) =>
        eb.not(
          eb.exists(eb.selectFrom("conversations as v").select("v.id").whereRef("v.id", "=", "f.conversation_id")),
        ),
      )
      .execute();
  }
}
