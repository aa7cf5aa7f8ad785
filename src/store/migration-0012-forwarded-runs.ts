import type { Kysely, Migration } from "kysely";

/**
 * Queued runs that any instance can execute. `request` holds what a queued
 * run was started with (the ChatRequest and the seams that survive a
 * process), so the instance holding its conversation can build it, and a
 * queued run of an instance that died is executed by the one taking over.
 * `adopted_by` names the instance that will execute it; empty while a run
 * queued on one instance waits for the instance executing its conversation.
 */
export const forwardedRunsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("runs")
      .addColumn("request", "text", (c) => c.notNull().defaultTo(""))
      .execute();
    await db.schema
      .alterTable("runs")
      .addColumn("adopted_by", "text", (c) => c.notNull().defaultTo(""))
      .execute();
  },
};
