import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { CheckpointService } from "../gen/floe/v1/checkpoint_pb.js";
import { ConversationService } from "../gen/floe/v1/conversation_pb.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { restCall, until } from "./support/rest.js";
import { DIALECTS } from "./support/test-server.js";

const HOUR = 3_600_000;

describe("checkpoint policy: automatic checkpoints, stats, retention and bad input", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  const ckpts = () =>
    createClient(CheckpointService, createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }));
  const rest = (method: string, path: string, body?: unknown) => restCall(c.server.url, method, path, body);
  const blobCount = async () =>
    Number(
      (
        await c.server.app.database.db
          .selectFrom("checkpoint_blobs")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  async function run(conversationId: string, text: string, calls: { name: string; args: unknown }[] = []) {
    if (calls.length) c.fake.enqueue(reply.toolCalls(calls));
    c.fake.enqueue(reply.text("done"));
    const res = await c.chat.sendMessage({ chat: { text, conversationId } });
    expect(res.status).toBe("completed");
    return res.conversationId;
  }

  it.each(DIALECTS)(
    "expires auto checkpoints after retention_hours, any after max_age_days, and their blobs, on %s",
    async (dialect) => {
      let now = Date.parse("2025-03-01T12:00:00Z");
      c = await createChatEnv({ dialect, start: { clock: () => now } });
      const conv = await run("", "v1", [{ name: "write_file", args: { path: "big.txt", content: "version 1\n" } }]);
      now += HOUR;
      await run(conv, "v2", [{ name: "write_file", args: { path: "big.txt", content: "version 2\n" } }]);
      now += HOUR;
      await rest("POST", "/api/v1/checkpoints/create", { name: "keep me", session_id: conv });
      const stats = await rest("GET", "/api/v1/checkpoints/stats");
      expect(stats.body).toEqual({
        enabled: true,
        total_checkpoints: 9,
        auto_checkpoints: 8,
        manual_checkpoints: 1,
        branch_checkpoints: 0,
        rollback_checkpoints: 0,
        config: { frequency: 1, retention_hours: 24, max_age_days: 30 },
      });
      const listed = (await ckpts().listCheckpoints({ conversationId: conv })).checkpoints;
      // One automatic checkpoint per stored message; the one at the tool's result holds its write.
      const at = (hour: number, ...files: number[]) => files.map((n) => ["auto", `2025-03-01T${hour}:00:00.000Z`, n]);
      expect(listed.map((k) => [k.type, k.createdAt, k.fileCount])).toEqual([
        ["manual", "2025-03-01T14:00:00.000Z", 0],
        ...at(13, 0, 1, 0, 0),
        ...at(12, 0, 1, 0, 0),
      ]);
      expect(await blobCount()).toBe(2);

      now += 23 * HOUR;
      const early = await rest("POST", "/api/v1/checkpoints/cleanup");
      expect(early.body).toMatchObject({ status: "completed", cleaned_count: 4, blobs_removed: 0 });
      now += 2 * HOUR;
      const cleaned = await rest("POST", "/api/v1/checkpoints/cleanup");
      expect(cleaned.status).toBe(200);
      expect(cleaned.body).toEqual({
        status: "completed",
        cleaned_count: 4,
        message: "Cleaned up 4 old checkpoints",
        blobs_removed: 2,
      });
      expect(await blobCount(), "no checkpoint needs the file snapshots any more").toBe(0);
      expect((await ckpts().listCheckpoints({})).checkpoints.map((k) => k.name)).toEqual(["keep me"]);

      now += 30 * 24 * HOUR;
      expect((await ckpts().cleanupCheckpoints({})).cleanedCount).toBe(1);
      expect((await ckpts().getCheckpointStats({})).totalCheckpoints).toBe(0);
    },
  );

  it.each(DIALECTS)("keeps what a checkpoint still needs when an older one expires, on %s", async (dialect) => {
    let now = Date.parse("2025-03-01T00:00:00Z");
    c = await createChatEnv({ dialect, start: { clock: () => now } });
    const conv = await run("", "hi");
    const { checkpointId } = await ckpts().createCheckpoint({ name: "base", sessionId: conv });
    now += HOUR;
    await run(conv, "write", [{ name: "write_file", args: { path: "f.txt", content: "agent\n" } }]);
    now += 25 * HOUR;
    // The auto checkpoint that holds the write expires; its change moves to the next state, so "base" still restores.
    expect((await ckpts().cleanupCheckpoints({})).cleanedCount).toBe(6);
    const r = await ckpts().rollbackCheckpoint({ checkpointId });
    expect(r.changedFiles).toEqual(["f.txt"]);
    expect(r.messageCount).toBe(2);
  });

  it("removes the checkpoints, archived messages and blobs of a deleted conversation at cleanup", async () => {
    c = await createChatEnv();
    const conv = await run("", "one", [{ name: "write_file", args: { path: "x.txt", content: "x\n" } }]);
    const { checkpointId } = await ckpts().createCheckpoint({ name: "mid", sessionId: conv });
    await run(conv, "two", [{ name: "write_file", args: { path: "x.txt", content: "y\n" } }]);
    await ckpts().rollbackCheckpoint({ checkpointId });
    const db = c.server.app.database.db;
    const archived = () => db.selectFrom("archived_messages").selectAll().execute();
    expect((await archived()).length, "the rolled-back messages are archived").toBeGreaterThan(0);
    const conversations = createClient(
      ConversationService,
      createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }),
    );
    await conversations.deleteConversation({ conversationId: conv });
    const total = (await ckpts().getCheckpointStats({})).totalCheckpoints;
    expect(total, "4 + 4 automatic (one per message), the manual and the safety checkpoint").toBe(10);
    const r = await ckpts().cleanupCheckpoints({});
    expect(r.cleanedCount).toBe(total);
    expect(r.blobsRemoved).toBe(2);
    expect(await archived()).toEqual([]);
    expect(await db.selectFrom("checkpoint_files").selectAll().execute()).toEqual([]);
  });

  it("takes automatic checkpoints every `frequency` messages and can be switched off", async () => {
    c = await createChatEnv({ env: { FLOE_CHECKPOINT_FREQUENCY: "3" } });
    const conv = await run("", "one");
    expect((await ckpts().listCheckpoints({ sessionId: conv })).checkpoints, "2 messages < 3").toEqual([]);
    await run(conv, "two");
    const after = (await ckpts().listCheckpoints({ sessionId: conv })).checkpoints;
    expect(
      after.map((k) => [k.type, k.messageCount]),
      "the third message is the second run's",
    ).toEqual([["auto", 3]]);
    expect((await ckpts().getCheckpointStats({})).config?.frequency).toBe(3);
    await c.cleanup();

    c = await createChatEnv({ env: { FLOE_CHECKPOINTS_ENABLED: "false" } });
    const off = await run("", "one");
    expect((await ckpts().listCheckpoints({ sessionId: off })).checkpoints).toEqual([]);
    expect((await rest("GET", "/api/v1/system/info")).body!.checkpoints_enabled).toBe(false);
    expect((await ckpts().getCheckpointStats({})).enabled).toBe(false);
  });

  it("answers bad input with 400, unknown ids with 404 and a rollback during a run with 409", async () => {
    c = await createChatEnv();
    const none = await rest("POST", "/api/v1/checkpoints/create", { name: "x" });
    expect(none.status, "no conversation yet").toBe(404);
    const conv = await run("", "hi");
    for (const name of ["", "   "]) {
      const blank = await rest("POST", "/api/v1/checkpoints/create", { name, description: "d" });
      expect(blank.status).toBe(400);
      expect(blank.body!.detail).toContain("name must not be blank");
    }
    const err = await ckpts()
      .createCheckpoint({ name: " " })
      .then(() => undefined, ConnectError.from);
    expect(err?.code).toBe(Code.InvalidArgument);
    expect((await rest("POST", "/api/v1/checkpoints/create", { name: "n", session_id: "nope" })).status).toBe(404);
    expect((await rest("POST", "/api/v1/checkpoints/create", { name: "n", session_id: "a/b" })).status).toBe(400);
    const mismatch = await rest("POST", "/api/v1/checkpoints/create", {
      name: "n",
      session_id: conv,
      conversation_id: "other",
    });
    expect(mismatch.status).toBe(400);
    expect((await rest("GET", "/api/v1/checkpoints?limit=0")).status).toBe(400);
    expect((await rest("GET", "/api/v1/checkpoints?limit=5000")).status).toBe(400);
    const unknown = await rest("POST", "/api/v1/checkpoints/ckpt_0000000000000000/rollback", {});
    expect(unknown.status).toBe(404);
    expect(unknown.body!.detail).toContain("ckpt_0000000000000000");
    expect((await rest("POST", "/api/v1/checkpoints/ckpt_nope/branch", { name: "b" })).status).toBe(404);
    const nf = await ckpts()
      .rollbackCheckpoint({ checkpointId: "ckpt_nope" })
      .then(() => undefined, ConnectError.from);
    expect(nf?.code).toBe(Code.NotFound);

    const { checkpointId } = await ckpts().createCheckpoint({ name: "n", sessionId: conv });
    // The upstream stalls until the run is cancelled: the rollback meets a live run whatever the machine's speed.
    c.fake.enqueue(reply.stall(["slow"], 60_000));
    const live = c.chat.sendMessage({ chat: { text: "slow", conversationId: conv } }).catch(ConnectError.from);
    await until(() => c.server.app.runs.activeRuns(conv).length > 0, "the run to start");
    const busy = await rest("POST", `/api/v1/checkpoints/${checkpointId}/rollback`);
    expect(busy.status).toBe(409);
    expect(busy.body!.detail).toContain("live run");
    await c.chat.cancelRun({ conversationId: conv });
    expect(((await live) as ConnectError).code).toBe(Code.Canceled);
    expect((await rest("POST", `/api/v1/checkpoints/${checkpointId}/rollback`)).status).toBe(200);
  });
});
