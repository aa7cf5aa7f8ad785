import type { Kysely } from "kysely";
import type { Database, GitHubDeliveriesTable } from "./schema.js";

/** GitHub webhook deliveries, keyed by delivery id. */
export class GitHubDeliveryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records a delivery; false when its id was seen before (a replay). */
  async claim(deliveryId: string, event: string, action: string): Promise<boolean> {
    const res = await this.db
      .insertInto("github_deliveries")
      .values({
        delivery_id: deliveryId,
        event,
        action,
        status: "received",
        outcome: "",
        received_at: new Date().toISOString(),
        handled_at: "",
      })
      .onConflict((oc) => oc.column("delivery_id").doNothing())
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async finish(deliveryId: string, status: string, outcome: string): Promise<void> {
    await this.db
      .updateTable("github_deliveries")
      .set({ status, outcome, handled_at: new Date().toISOString() })
      .where("delivery_id", "=", deliveryId)
      .execute();
  }

  get(deliveryId: string): Promise<GitHubDeliveriesTable | undefined> {
    return this.db.selectFrom("github_deliveries").selectAll().where("delivery_id", "=", deliveryId).executeTakeFirst();
  }
}
