import { type Kysely, PostgresAdapter, sql } from "kysely";
import type { Database } from "./schema.js";

/** The advisory-lock namespace of the checkpoint store (the first key of Postgres' two-key locks). */
const NAMESPACE = 0x666c6f65;

/** Whether `db` talks to Postgres: only there do several instances share the store, so only there are locks taken. */
export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Takes the transaction-scoped advisory lock `name` (shared or exclusive) in
 * `trx`; it is released when the transaction ends. On SQLite nothing is
 * taken: its writers are serialized by the database itself.
 */
export async function lockInTransaction(trx: Kysely<Database>, name: string, mode: "shared" | "exclusive") {
  if (!isPostgres(trx)) return;
  const q =
    mode === "shared"
      ? sql`select pg_advisory_xact_lock_shared(${NAMESPACE}::int4, hashtext(${name}))`
      : sql`select pg_advisory_xact_lock(${NAMESPACE}::int4, hashtext(${name}))`;
  await q.execute(trx);
}

/**
 * At most this many held locks per process: each holds a pooled connection
 * (the pool has 10) while its work needs others, so more could starve it.
 */
const MAX_HELD = 4;
let held = 0;
const waiters: (() => void)[] = [];

async function slot(): Promise<() => void> {
  if (held >= MAX_HELD) await new Promise<void>((r) => waiters.push(r));
  else held++;
  // A released slot passes straight to the next waiter, so `held` counts it still.
  return () => {
    const next = waiters.shift();
    if (next) next();
    else held--;
  };
}

/**
 * Runs `work` while holding the exclusive lock `name` across every instance
 * sharing the Postgres store (a transaction holds it for the duration; the
 * work itself uses its own connections). `busy` answers when another holds
 * it. On SQLite the work simply runs: the caller's in-process guard suffices.
 */
export async function whileLocked<T>(
  db: Kysely<Database>,
  name: string,
  busy: () => Error,
  work: () => Promise<T>,
): Promise<T> {
  if (!isPostgres(db)) return work();
  const release = await slot();
  try {
    return await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{
        ok: boolean;
      }>`select pg_try_advisory_xact_lock(${NAMESPACE}::int4, hashtext(${name})) as ok`.execute(trx);
      if (!rows[0]?.ok) throw busy();
      return work();
    });
  } finally {
    release();
  }
}
