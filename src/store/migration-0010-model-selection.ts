import type { Kysely, Migration } from "kysely";

/**
 * `settings`: small values a running server changes and a restart must keep,
 * one row per key (the current model is the first).
 */
export const modelSelectionMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("settings")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("value", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
  },
};
