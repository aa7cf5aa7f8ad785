import type { Kysely } from "kysely";
import { insertRows } from "./insert-rows.js";
import type { AuditEntriesTable, Database } from "./schema.js";

export interface AuditQuery {
  limit: number;
  result?: string;
  category?: string;
  agentId?: string;
}

/** The audit log's rows: appended, never updated. */
export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async last(): Promise<AuditEntriesTable | undefined> {
    return this.db.selectFrom("audit_entries").selectAll().orderBy("seq", "desc").limit(1).executeTakeFirst();
  }

  async append(row: AuditEntriesTable): Promise<void> {
    await insertRows(this.db, "audit_entries", [row]);
  }

  /** Newest first, with the number of rows matching the filters. */
  async query(q: AuditQuery): Promise<{ rows: AuditEntriesTable[]; total: number }> {
    let base = this.db.selectFrom("audit_entries");
    if (q.result) base = base.where("result", "=", q.result);
    if (q.category) base = base.where("category", "=", q.category);
    if (q.agentId) base = base.where("agent_id", "=", q.agentId);
    const rows = await base.selectAll().orderBy("seq", "desc").limit(q.limit).execute();
    const count = await base.select((eb) => eb.fn.countAll<number | string>().as("n")).executeTakeFirst();
    return { rows, total: Number(count?.n ?? 0) };
  }

  async countsBy(column: "result" | "category"): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom("audit_entries")
      .select((eb) => [column, eb.fn.countAll<number | string>().as("n")])
      .groupBy(column)
      .execute();
    return Object.fromEntries(rows.map((r) => [r[column], Number(r.n)]));
  }

  /** Every row in order, in pages, for verification. */
  async *all(page = 1000): AsyncGenerator<AuditEntriesTable> {
    for (let after = -1; ;) {
      const rows = await this.db
        .selectFrom("audit_entries")
        .selectAll()
        .where("seq", ">", after)
        .orderBy("seq")
        .limit(page)
        .execute();
      yield* rows;
      if (rows.length < page) return;
      after = Number(rows[rows.length - 1]!.seq);
    }
  }
}
