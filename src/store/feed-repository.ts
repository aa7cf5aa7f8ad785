import type { Kysely } from "kysely";
import { insertRows } from "./insert-rows.js";
import type { Database, FeedEventsTable } from "./schema.js";

/** The stored part of the event feed, by cursor. */
export class FeedRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async latestCursor(): Promise<number> {
    const r = await this.db
      .selectFrom("feed_events")
      .select((eb) => eb.fn.max<number | string | null>("cursor").as("c"))
      .executeTakeFirst();
    return Number(r?.c ?? 0);
  }

  async insert(row: FeedEventsTable): Promise<void> {
    await insertRows(this.db, "feed_events", [row]);
  }

  /** Stored events after `cursor`, oldest first, at most `limit`. */
  after(cursor: number, limit: number): Promise<FeedEventsTable[]> {
    return this.db
      .selectFrom("feed_events")
      .selectAll()
      .where("cursor", ">", cursor)
      .orderBy("cursor")
      .limit(limit)
      .execute();
  }

  async oldestCursor(): Promise<number> {
    const r = await this.db
      .selectFrom("feed_events")
      .select((eb) => eb.fn.min<number | string | null>("cursor").as("c"))
      .executeTakeFirst();
    return Number(r?.c ?? 0);
  }

  async deleteConversation(conversationId: string): Promise<void> {
    await this.db.deleteFrom("feed_events").where("conversation_id", "=", conversationId).execute();
  }

  /** Keeps the latest `keep` events. */
  async prune(latest: number, keep: number): Promise<void> {
    await this.db
      .deleteFrom("feed_events")
      .where("cursor", "<=", latest - keep)
      .execute();
  }
}
