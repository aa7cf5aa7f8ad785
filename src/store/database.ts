import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type SQLite from "better-sqlite3";
import { type Dialect, Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { migrateToLatest } from "./migrations.js";
import type { Database } from "./schema.js";
import { loadSqliteDriver } from "./sqlite-driver.js";

export type DialectName = "sqlite" | "postgres";

export interface OpenDatabase {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data lives, with any password removed. */
  location: string;
  /** The client library: `pg`, or the better-sqlite3 build (see loadSqliteDriver). */
  driver: string;
}

/**
 * The one place that knows about dialects. `postgres://` URLs select Postgres;
 * anything else is an SQLite file (default `<workspace>/floe.db`, WAL mode).
 * Migrations run before the handle is returned. `onConnectionLost` hears of
 * pooled Postgres connections the server ended (a restart, a failover, an
 * administrator); the pool opens new ones on the next query.
 */
export async function openDatabase(
  url: string,
  workspace: string,
  onConnectionLost: (err: Error) => void = () => {},
): Promise<OpenDatabase> {
  let dialect: Dialect;
  let name: DialectName;
  let location: string;
  let driver = "pg";
  if (/^postgres(ql)?:\/\//.test(url)) {
    name = "postgres";
    const safe = new URL(url);
    safe.password = "";
    location = safe.toString();
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle client's error is emitted on the pool, and with no listener it would end the process.
    pool.on("error", onConnectionLost);
    dialect = new PostgresDialect({ pool });
  } else {
    name = "sqlite";
    location = url ? url.replace(/^sqlite:(\/\/)?/, "") : join(workspace, "floe.db");
    mkdirSync(dirname(location), { recursive: true });
    const sqliteDriver = loadSqliteDriver();
    driver = sqliteDriver.name;
    const sqlite = new sqliteDriver.Database(location);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    cachePreparedStatements(sqlite);
    dialect = new SqliteDialect({ database: sqlite });
  }
  const db = new Kysely<Database>({ dialect });
  try {
    await migrateToLatest(db as Kysely<unknown>);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return { db, dialect: name, location, driver };
}

/**
 * Kysely prepares every query afresh; on SQLite, preparing costs about as much
 * as running a small statement. Statements are reused per SQL text (Kysely
 * only calls all()/run(), which finish before the next query, so sharing is
 * safe). The cache is bounded; queries are few distinct shapes.
 */
function cachePreparedStatements(sqlite: SQLite.Database, max = 500): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, SQLite.Statement>();
  sqlite.prepare = ((sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = prepare(sql);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(sql, stmt);
    }
    return stmt;
  }) as typeof sqlite.prepare;
}
