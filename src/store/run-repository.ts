import type { Kysely, Selectable } from "kysely";
import { insertRows } from "./insert-rows.js";
import type { Database, RunsTable } from "./schema.js";

export type RunRow = Selectable<RunsTable>;

/** Run records: status, idempotency keys and final results. */
export class RunRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: RunsTable): Promise<void> {
    await insertRows(this.db, "runs", [row]);
  }

  async byRequestId(requestId: string): Promise<RunRow | undefined> {
    return this.db.selectFrom("runs").selectAll().where("request_id", "=", requestId).executeTakeFirst();
  }

  async byId(id: string): Promise<RunRow | undefined> {
    return this.db.selectFrom("runs").selectAll().where("id", "=", id).executeTakeFirst();
  }

  async finish(id: string, status: string, result: string): Promise<void> {
    await this.db
      .updateTable("runs")
      .set({ status, result, ended_at: new Date().toISOString() })
      .where("id", "=", id)
      .execute();
  }

  /** Runs a previous process left unfinished. */
  async openRuns(): Promise<RunRow[]> {
    return this.db
      .selectFrom("runs")
      .selectAll()
      .where("status", "in", ["queued", "running"])
      .orderBy("created_at")
      .orderBy("id")
      .execute();
  }

  /** A conversation's running and queued runs, oldest first. */
  async openIn(conversationId: string): Promise<RunRow[]> {
    return this.db
      .selectFrom("runs")
      .selectAll()
      .where("conversation_id", "=", conversationId)
      .where("status", "in", ["queued", "running"])
      .orderBy("created_at")
      .orderBy("id")
      .execute();
  }

  /**
   * Takes a queued run for `owner` to execute, when nobody has (`from` = "")
   * or when the instance named by `from` died with it: true for exactly one taker.
   */
  async adoptQueued(id: string, owner: string, from = ""): Promise<boolean> {
    const r = await this.db
      .updateTable("runs")
      .set({ adopted_by: owner })
      .where("id", "=", id)
      .where("status", "=", "queued")
      .where("request", "<>", "")
      .where("adopted_by", "=", from)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Queued runs nobody adopted, stored before `before` (their forwarding instance may have died). */
  async unadopted(before: string): Promise<RunRow[]> {
    return this.db
      .selectFrom("runs")
      .selectAll()
      .where("status", "=", "queued")
      .where("request", "<>", "")
      .where("adopted_by", "=", "")
      .where("created_at", "<", before)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
  }

  /** Runs per agent and status, for telemetry. */
  async countsByAgentAndStatus(): Promise<{ agentId: string; status: string; count: number }[]> {
    const rows = await this.db
      .selectFrom("runs")
      .select((eb) => ["agent_id", "status", eb.fn.countAll<number | string>().as("n")])
      .groupBy(["agent_id", "status"])
      .execute();
    return rows.map((r) => ({ agentId: r.agent_id, status: r.status, count: Number(r.n) }));
  }
}
