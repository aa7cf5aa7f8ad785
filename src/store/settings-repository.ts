import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** Runtime settings that outlive a restart, as JSON values by key. */
export class SettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** The stored value, or undefined when the key was never set or holds something that is not JSON. */
  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
    if (!row) return undefined;
    try {
      return JSON.parse(row.value) as T;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    const row = { key, value: JSON.stringify(value), updated_at: new Date().toISOString() };
    await this.db
      .insertInto("settings")
      .values(row)
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: row.value, updated_at: row.updated_at }))
      .execute();
  }
}
