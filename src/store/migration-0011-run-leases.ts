import { type Kysely, type Migration, sql } from "kysely";

/**
 * `run_leases`: which instance executes the live run of each conversation,
 * until when (renewed on a timer). The primary key is the rule "one active
 * run per conversation" across instances; and a request id names one run,
 * enforced by a unique index, so instances racing on it cannot both start.
 */
export const runLeasesMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("run_leases")
      .addColumn("conversation_id", "text", (c) => c.primaryKey())
      .addColumn("run_id", "text", (c) => c.notNull())
      .addColumn("owner", "text", (c) => c.notNull())
      .addColumn("expires_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("run_leases_owner_idx").on("run_leases").columns(["owner"]).execute();
    // Duplicates could only come from an in-process race before this index: the earliest run keeps the key.
    await sql`update runs set request_id = '' where request_id <> '' and id not in
      (select min(id) from runs where request_id <> '' group by request_id)`.execute(db);
    await db.schema
      .createIndex("runs_request_id_unique")
      .unique()
      .on("runs")
      .columns(["request_id"])
      .where(sql.ref("request_id"), "<>", "")
      .execute();
  },
};
