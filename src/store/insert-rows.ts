import { CompiledQuery, type DialectAdapter, type Insertable, type Kysely } from "kysely";
import type { Database } from "./schema.js";

type Table = keyof Database & string;

/** Per dialect: statement shape → compiled SQL, or null when the shape must be built each time. */
const compiledByDialect = new WeakMap<DialectAdapter, Map<string, string | null>>();

/**
 * Inserts rows through Kysely, building each statement shape (table, columns,
 * row count) once per dialect. Building and compiling a small insert costs
 * more than SQLite takes to run it, and the inserts that start a run sit on
 * the path to its first token. A compiled statement is reused only when its
 * parameters were exactly the rows' values in column order, which is checked
 * on the first build; other shapes are built every time.
 */
export async function insertRows<T extends Table>(
  db: Kysely<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object).join(",");
  const uniform = rows.every((r) => Object.keys(r as object).join(",") === columns);
  const values = rows.flatMap((r) => Object.values(r as object));
  // Kysely leaves undefined values out of the statement, so such rows have a shape of their own.
  const key = uniform && !values.includes(undefined) ? `${table}\u0000${columns}\u0000${rows.length}` : "";
  const adapter = db.getExecutor().adapter;
  let cache = compiledByDialect.get(adapter);
  if (!cache) {
    cache = new Map();
    compiledByDialect.set(adapter, cache);
  }
  const sql = key ? cache.get(key) : null;
  if (sql) {
    await db.executeQuery(CompiledQuery.raw(sql, values));
    return;
  }
  const compiled = db
    .insertInto(table)
    .values(rows as never)
    .compile();
  if (sql === undefined) cache.set(key, sameValues(compiled.parameters, values) ? compiled.sql : null);
  await db.executeQuery(compiled);
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
