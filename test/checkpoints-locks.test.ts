import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { CheckpointService } from "../gen/floe/v1/checkpoint_pb.js";
import type { FloeServer } from "../src/server/start-server.js";
import { BLOB_LOCK, contentHash } from "../src/store/blob-repository.js";
import { lockInTransaction } from "../src/store/store-locks.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { until } from "./support/rest.js";
import { holdJournalWrites } from "./support/journal-gate.js";

describe("checkpoint locks hold across instances sharing one Postgres", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  const ckptsOf = (s: FloeServer) =>
    createClient(CheckpointService, createConnectTransport({ baseUrl: s.url, httpVersion: "2" }));
  /** Advisory locks someone is waiting for. */
  const waiting = async () => {
    const { rows } = await sql<{ n: string }>`select count(*) as n from pg_locks
      where locktype = 'advisory' and not granted
      and database = (select oid from pg_database where datname = current_database())`.execute(
      c.server.app.database.db,
    );
    return Number(rows[0]!.n);
  };

  it("refuses a second instance's rollback of a conversation while the first is rolling it back", async () => {
    c = await createChatEnv({ dialect: "postgres" });
    const file = join(c.server.app.runtime.activeRoot, "a.txt");
    writeFileSync(file, "a0\n");
    c.fake.enqueue(reply.text("hi"));
    const conv = (await c.chat.sendMessage({ chat: { text: "hi" } })).conversationId;
    const { checkpointId } = await ckptsOf(c.server).createCheckpoint({ name: "base", sessionId: conv });
    c.fake.enqueue(reply.toolCalls([{ name: "write_file", args: { path: "a.txt", content: "a1\n" } }]));
    c.fake.enqueue(reply.text("done"));
    await c.chat.sendMessage({ chat: { text: "edit", conversationId: conv } });
    const other = await c.env.start({
      env: { OPENAI_BASE_URL: c.fake.url, OPENAI_API_KEY: "k", FLOE_MODEL: "fake-model" },
    });

    const { atWrite, release } = holdJournalWrites(c.server);
    const first = ckptsOf(c.server).rollbackCheckpoint({ checkpointId });
    await atWrite;
    const err = await ckptsOf(other)
      .rollbackCheckpoint({ checkpointId })
      .then(() => undefined, ConnectError.from);
    expect(err?.code).toBe(Code.FailedPrecondition);
    expect(err?.rawMessage).toBe(`a rollback of conversation ${conv} is in progress; try again`);
    release();
    const done = await first;
    expect(readFileSync(file, "utf8")).toBe("a0\n");
    // Once it has ended, the other instance rolls back (here: undoes it).
    await ckptsOf(other).rollbackCheckpoint({ checkpointId: done.safetyCheckpointId });
    expect(readFileSync(file, "utf8")).toBe("a1\n");
  });

  it("makes garbage collection wait for a change being written, so its blob is never collected", async () => {
    c = await createChatEnv({ dialect: "postgres" });
    c.fake.enqueue(reply.text("hi"));
    const conv = (await c.chat.sendMessage({ chat: { text: "hi" } })).conversationId;
    const { blobs } = c.server.app.checkpoints.deps;
    const bytes = Buffer.from("left unreferenced by an expired checkpoint\n");
    const hash = await blobs.put(bytes, new Date().toISOString());
    expect(contentHash(bytes)).toBe(hash);
    const db = c.server.app.database.db;
    let cleaned: Promise<number> | undefined;
    // A change being written refers to the blob again, as recordChange does: blob and row in one transaction.
    await db.transaction().execute(async (trx) => {
      await lockInTransaction(trx, BLOB_LOCK, "shared");
      cleaned = blobs.collectGarbage();
      await until(async () => (await waiting()) === 1, "the collector to wait for the lock");
      await trx
        .insertInto("checkpoint_files")
        .values({
          conversation_id: conv,
          checkpoint_id: "",
          root: c.server.app.runtime.activeRoot,
          path: join(c.server.app.runtime.activeRoot, "f.txt"),
          before_hash: "",
          after_hash: hash,
          changed_at: new Date().toISOString(),
        })
        .execute();
    });
    expect(await cleaned).toBe(0);
    expect(await blobs.get(hash), "the blob the change refers to is kept").toEqual(bytes);
  });
});
