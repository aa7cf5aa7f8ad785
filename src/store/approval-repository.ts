import type { Kysely } from "kysely";
import { insertRows } from "./insert-rows.js";
import type { ApprovalsTable, Database } from "./schema.js";

/** Approval requests: stored when asked, updated once when decided or expired. */
export class ApprovalRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(row: ApprovalsTable): Promise<void> {
    await insertRows(this.db, "approvals", [row]);
  }

  get(id: string): Promise<ApprovalsTable | undefined> {
    return this.db.selectFrom("approvals").selectAll().where("id", "=", id).executeTakeFirst();
  }

  pending(conversationId = ""): Promise<ApprovalsTable[]> {
    let q = this.db.selectFrom("approvals").selectAll().where("status", "=", "pending");
    if (conversationId) q = q.where("conversation_id", "=", conversationId);
    return q.orderBy("created_at").execute();
  }

  /** Decides a pending request; false when it was no longer pending. */
  async resolve(id: string, status: string, scope: string, resolution: string): Promise<boolean> {
    const res = await this.db
      .updateTable("approvals")
      .set({ status, scope, resolution, resolved_at: new Date().toISOString() })
      .where("id", "=", id)
      .where("status", "=", "pending")
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Marks every pending request expired (a restart: nobody waits for them any more). */
  async expireAll(resolution: string, keep: (row: ApprovalsTable) => boolean = () => false): Promise<ApprovalsTable[]> {
    const pending = (await this.pending()).filter((p) => !keep(p));
    const expired: ApprovalsTable[] = [];
    // Conditional: of two instances expiring the same request, one records it.
    for (const p of pending) if (await this.resolve(p.id, "expired", "", resolution)) expired.push(p);
    return expired;
  }
}
