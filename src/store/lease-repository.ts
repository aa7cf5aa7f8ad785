import type { Kysely, Selectable } from "kysely";
import type { RunLeasesTable } from "./run-leases-table.js";
import type { Database } from "./schema.js";

export type LeaseRow = Selectable<RunLeasesTable>;

/** Run leases: conditional writes only, so that racing instances agree through the database. */
export class LeaseRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Takes a conversation for `owner`, or keeps it when `owner` holds it
   * already. Returns the row that holds it (another owner's when refused).
   */
  async claim(lease: RunLeasesTable): Promise<LeaseRow> {
    const inserted = await this.db
      .insertInto("run_leases")
      .values(lease)
      .onConflict((oc) => oc.column("conversation_id").doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return lease;
    await this.db
      .updateTable("run_leases")
      .set({ run_id: lease.run_id, expires_at: lease.expires_at })
      .where("conversation_id", "=", lease.conversation_id)
      .where("owner", "=", lease.owner)
      .execute();
    const row = await this.get(lease.conversation_id);
    // Freed between the insert and the read: try once more.
    return row ?? this.claim(lease);
  }

  get(conversationId: string): Promise<LeaseRow | undefined> {
    return this.db
      .selectFrom("run_leases")
      .selectAll()
      .where("conversation_id", "=", conversationId)
      .executeTakeFirst();
  }

  /** The owner's run in a conversation is now `runId` (a queued run's turn came). */
  async handoff(conversationId: string, owner: string, runId: string): Promise<void> {
    await this.db
      .updateTable("run_leases")
      .set({ run_id: runId })
      .where("conversation_id", "=", conversationId)
      .where("owner", "=", owner)
      .execute();
  }

  /** Frees a conversation if `owner` still holds it for `runId`. */
  async free(conversationId: string, owner: string, runId: string): Promise<void> {
    await this.db
      .deleteFrom("run_leases")
      .where("conversation_id", "=", conversationId)
      .where("owner", "=", owner)
      .where("run_id", "=", runId)
      .execute();
  }

  /** Frees everything `owner` holds (a clean shutdown). */
  async freeAll(owner: string): Promise<void> {
    await this.db.deleteFrom("run_leases").where("owner", "=", owner).execute();
  }

  /** Extends every lease of `owner`; returns the conversations it still holds. */
  async renew(owner: string, expiresAt: string): Promise<Set<string>> {
    await this.db.updateTable("run_leases").set({ expires_at: expiresAt }).where("owner", "=", owner).execute();
    const rows = await this.db.selectFrom("run_leases").select("conversation_id").where("owner", "=", owner).execute();
    return new Set(rows.map((r) => r.conversation_id));
  }

  /** Leases whose owner stopped renewing them. */
  expired(now: string): Promise<LeaseRow[]> {
    return this.db.selectFrom("run_leases").selectAll().where("expires_at", "<", now).execute();
  }

  all(): Promise<LeaseRow[]> {
    return this.db.selectFrom("run_leases").selectAll().execute();
  }

  /** Every lease still alive at `now`. */
  live(now: string): Promise<LeaseRow[]> {
    return this.db.selectFrom("run_leases").selectAll().where("expires_at", ">=", now).execute();
  }

  /** Takes over an expired lease, only if nobody changed it since it was read (one instance wins). */
  async takeOver(expired: LeaseRow, owner: string, expiresAt: string): Promise<boolean> {
    const r = await this.db
      .updateTable("run_leases")
      .set({ owner, expires_at: expiresAt })
      .where("conversation_id", "=", expired.conversation_id)
      .where("owner", "=", expired.owner)
      .where("expires_at", "=", expired.expires_at)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
