import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "./schema.js";
import { lockInTransaction } from "./store-locks.js";

/**
 * The lock between writing a change (its blobs and the row that refers to
 * them, in one transaction, shared) and collecting garbage (exclusive): the
 * collector never sees a blob whose referring row is still being written.
 */
export const BLOB_LOCK = "checkpoint_blobs";

/** Stores `bytes` in `db` (a transaction or not) unless its hash is stored already; returns the hash. */
export async function insertBlob(db: Kysely<Database>, bytes: Buffer, now: string): Promise<string> {
  const hash = contentHash(bytes);
  const text = bytes.toString("utf8");
  const utf8 = Buffer.from(text, "utf8").equals(bytes);
  await db
    .insertInto("checkpoint_blobs")
    .values({
      hash,
      encoding: utf8 ? "utf8" : "base64",
      content: utf8 ? text : bytes.toString("base64"),
      size: bytes.length,
      created_at: now,
    })
    .onConflict((oc) => oc.column("hash").doNothing())
    .execute();
  return hash;
}

/** SHA-256 of some bytes, hex: a blob's address. */
export function contentHash(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Content-addressed file snapshots: each content is stored once, under its
 * SHA-256, however many checkpoints hold it. Text columns only (portable):
 * UTF-8 content as is, other bytes as base64.
 */
export class BlobRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores `bytes` unless its hash is stored already; returns the hash. */
  put(bytes: Buffer, now: string): Promise<string> {
    return insertBlob(this.db, bytes, now);
  }

  async get(hash: string): Promise<Buffer | undefined> {
    const row = await this.db
      .selectFrom("checkpoint_blobs")
      .select(["encoding", "content"])
      .where("hash", "=", hash)
      .executeTakeFirst();
    if (!row) return undefined;
    return Buffer.from(row.content, row.encoding === "base64" ? "base64" : "utf8");
  }

  /** Deletes blobs no file change refers to; returns how many. Waits for the changes being written. */
  async collectGarbage(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await lockInTransaction(trx, BLOB_LOCK, "exclusive");
      const res = await trx
        .deleteFrom("checkpoint_blobs")
        .where((eb) => {
          const refs = eb.selectFrom("checkpoint_files").select("checkpoint_files.path");
          return eb.and([
            eb.not(eb.exists(refs.whereRef("checkpoint_files.before_hash", "=", "checkpoint_blobs.hash"))),
            eb.not(eb.exists(refs.whereRef("checkpoint_files.after_hash", "=", "checkpoint_blobs.hash"))),
          ]);
        })
        .executeTakeFirst();
      return Number(res.numDeletedRows);
    });
  }
}
