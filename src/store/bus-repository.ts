import type { Kysely } from "kysely";
import { insertRows } from "./insert-rows.js";
import type { BusMessagesTable, Database } from "./schema.js";

/** Messages routed through the message bus, kept for the record and for telemetry. */
export class BusRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: BusMessagesTable): Promise<void> {
    await insertRows(this.db, "bus_messages", [row]);
  }

  async setRun(id: string, runId: string): Promise<void> {
    await this.db.updateTable("bus_messages").set({ run_id: runId }).where("id", "=", id).execute();
  }

  /** Messages sent, per sender. */
  async sentBySender(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom("bus_messages")
      .select((eb) => ["sender", eb.fn.countAll<number | string>().as("n")])
      .groupBy("sender")
      .execute();
    return new Map(rows.map((r) => [r.sender, Number(r.n)]));
  }
}
