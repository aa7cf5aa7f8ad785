import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type OpenDatabase, openDatabase } from "../src/store/database.js";
import { insertRows } from "../src/store/insert-rows.js";
import type { UsageTable } from "../src/store/schema.js";
import { createThrowawayDatabase, type ThrowawayDatabase } from "./support/postgres.js";
import { DIALECTS } from "./support/test-server.js";

const usage = (id: string, prompt: number): UsageTable => ({
  id,
  conversation_id: "c",
  agent_id: "a",
  model: "m",
  prompt_tokens: prompt,
  completion_tokens: prompt * 2,
  created_at: `t${id}`,
});

describe.each(DIALECTS)("insertRows reuses compiled inserts on %s", (dialect) => {
  let open: OpenDatabase | undefined;
  let pg: ThrowawayDatabase | undefined;
  let dir = "";
  afterEach(async () => {
    await open?.db.destroy();
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function database(): Promise<OpenDatabase> {
    dir = mkdtempSync(join(tmpdir(), "floe-insert-"));
    if (dialect === "postgres") pg = await createThrowawayDatabase();
    open = await openDatabase(pg?.url ?? "", dir);
    return open;
  }

  it("stores every row as given, whatever the row count, column order or repeated shape", async () => {
    const { db } = await database();
    await insertRows(db, "usage", [usage("1", 1)]);
    await insertRows(db, "usage", [usage("2", 2)]);
    await insertRows(db, "usage", [usage("3", 3), usage("4", 4), usage("5", 5)]);
    await insertRows(db, "usage", [usage("6", 6), usage("7", 7), usage("8", 8)]);
    // The same columns in another order must not reuse the first statement's parameter order.
    const { completion_tokens, ...rest } = usage("9", 9);
    await insertRows(db, "usage", [{ completion_tokens, ...rest }]);
    // Rows of different shapes in one call.
    await insertRows(db, "usage", [usage("10", 10), { ...usage("11", 11), created_at: "late" }]);
    const rows = await db.selectFrom("usage").selectAll().orderBy("prompt_tokens").execute();
    expect(rows.map((r) => [r.id, Number(r.prompt_tokens), Number(r.completion_tokens), r.created_at])).toEqual([
      ["1", 1, 2, "t1"],
      ["2", 2, 4, "t2"],
      ["3", 3, 6, "t3"],
      ["4", 4, 8, "t4"],
      ["5", 5, 10, "t5"],
      ["6", 6, 12, "t6"],
      ["7", 7, 14, "t7"],
      ["8", 8, 16, "t8"],
      ["9", 9, 18, "t9"],
      ["10", 10, 20, "t10"],
      ["11", 11, 22, "late"],
    ]);
  });

  it("leaves a column with an undefined value to its default, before and after the shape is cached", async () => {
    const { db } = await database();
    const run = (id: string, result?: string) => ({
      id,
      conversation_id: "c",
      agent_id: "a",
      request_id: "",
      request_hash: "",
      status: "running",
      result: result as string,
      created_at: "t",
      ended_at: "",
      message: "",
      request: "",
      adopted_by: "",
    });
    await insertRows(db, "runs", [run("r1", "kept")]);
    await insertRows(db, "runs", [run("r2", undefined)]);
    await insertRows(db, "runs", [run("r3", "also kept")]);
    const rows = await db.selectFrom("runs").select(["id", "result"]).orderBy("id").execute();
    expect(rows).toEqual([
      { id: "r1", result: "kept" },
      { id: "r2", result: "" },
      { id: "r3", result: "also kept" },
    ]);
  });

  it("fails a bad row without caching anything wrong for the next one", async () => {
    const { db } = await database();
    await insertRows(db, "usage", [usage("1", 1)]);
    await expect(insertRows(db, "usage", [usage("1", 5)])).rejects.toThrow();
    await insertRows(db, "usage", [usage("2", 2)]);
    const ids = (await db.selectFrom("usage").select("id").orderBy("id").execute()).map((r) => r.id);
    expect(ids).toEqual(["1", "2"]);
  });
});
