import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { sql } from "kysely";
import { EventLog } from "../src/events/event-log.js";
import { ConversationRepository } from "../src/store/conversation-repository.js";
import { openDatabase } from "../src/store/database.js";
import type { EventsTable } from "../src/store/schema.js";
import { createThrowawayDatabase } from "../test/support/postgres.js";

export interface EventLogResult {
  dialect: string;
  events: number;
  logPerSec: number;
  rawPerSec: number;
}

/**
 * Events appended per second through EventLog (numbering, live publish,
 * batched transactional writes) against a baseline of the same rows written
 * with plain batched multi-row inserts on the same database.
 */
async function measure(dialect: "sqlite" | "postgres", url: string, events: number): Promise<EventLogResult> {
  const ws = mkdtempSync(join(tmpdir(), "floe-bench-log-"));
  const { db } = await openDatabase(url, ws);
  try {
    const conv = await new ConversationRepository(db).create("bench", "default");
    const log = new EventLog(db, Fastify().log, { flushIntervalMs: 20, maxBatch: 500, retention: 10_000_000 });
    await log.prepare(conv.id);
    let t = performance.now();
    for (let i = 0; i < events; i++) {
      log.append(conv.id, "run", "default", { case: "token", value: { token: "tok " } });
      // Yield now and then, as a real stream does between chunks.
      if (i % 500 === 499) await new Promise((r) => setImmediate(r));
    }
    await log.flush();
    const logSecs = (performance.now() - t) / 1000;

    const conv2 = await new ConversationRepository(db).create("bench-raw", "default");
    const payload =
      '{"seq":"1","conversationId":"x","runId":"run","agentId":"default","timestamp":"2026-01-01T00:00:00.000Z","token":{"token":"tok "}}';
    t = performance.now();
    for (let start = 1; start <= events; start += 500) {
      const rows: EventsTable[] = [];
      for (let seq = start; seq < Math.min(start + 500, events + 1); seq++) {
        rows.push({
          conversation_id: conv2.id,
          seq,
          run_id: "run",
          kind: "token",
          payload,
          created_at: new Date().toISOString(),
        });
      }
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 100)
          await trx
            .insertInto("events")
            .values(rows.slice(i, i + 100))
            .execute();
      });
    }
    const rawSecs = (performance.now() - t) / 1000;
    const count = await db
      .selectFrom("events")
      .select(sql<number>`count(*)`.as("n"))
      .executeTakeFirstOrThrow();
    if (Number(count.n) !== events * 2) throw new Error(`expected ${events * 2} stored events, found ${count.n}`);
    return { dialect, events, logPerSec: events / logSecs, rawPerSec: events / rawSecs };
  } finally {
    await db.destroy();
  }
}

export async function measureEventLog(events: number): Promise<EventLogResult[]> {
  const out = [await measure("sqlite", "", events)];
  const pg = await createThrowawayDatabase().catch(() => undefined);
  if (pg) {
    try {
      out.push(await measure("postgres", pg.url, events));
    } finally {
      await pg.drop();
    }
  }
  return out;
}
