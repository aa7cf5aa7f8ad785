import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { CheckpointService } from "../gen/floe/v1/checkpoint_pb.js";
import { RequestError_Reason, RequestErrorSchema } from "../gen/floe/v1/common_pb.js";
import { type ChatEnv, collect, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { restCall } from "./support/rest.js";
import { DIALECTS } from "./support/test-server.js";

type Call = { name: string; args: unknown };

describe("checkpoints restore the conversation and the files the agent changed", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  const ckpts = () =>
    createClient(CheckpointService, createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }));
  const rest = (method: string, path: string, body?: unknown) => restCall(c.server.url, method, path, body);
  const file = (name: string) => join(c.server.app.runtime.activeRoot, name);
  const read = (name: string) => (existsSync(file(name)) ? readFileSync(file(name), "utf8") : undefined);

  /** One run in `conversationId` (a new one when empty): the model calls `calls`, then answers `answer`. */
  async function run(conversationId: string, text: string, calls: Call[], answer = "done"): Promise<string> {
    if (calls.length) c.fake.enqueue(reply.toolCalls(calls));
    c.fake.enqueue(reply.text(answer));
    const res = await c.chat.sendMessage({ chat: { text, conversationId } });
    expect(res.status).toBe("completed");
    for (const a of res.actionResults) expect(a.status, a.result).toBe("completed");
    return res.conversationId;
  }

  async function history(conversationId: string): Promise<string[]> {
    const res = await rest("GET", `/api/v1/conversations/${conversationId}/history`);
    expect(res.status).toBe(200);
    return (res.body!.messages as { role: string; content: string }[]).map((m) => `${m.role}:${m.content}`);
  }

  it.each(DIALECTS)(
    "rolls back an edit, a delete and a new file over REST, leaves untouched files alone, and undoes it, on %s",
    async (dialect) => {
      c = await createChatEnv({ dialect });
      expect(existsSync(file(".git")), "the workspace is not a git repository").toBe(false);
      writeFileSync(file("a.txt"), "alpha\n");
      writeFileSync(file("b.txt"), "bravo\n");
      writeFileSync(file("untouched.txt"), "keep\n");
      const conv = await run("", "hello", [], "hi");
      const created = await rest("POST", "/api/v1/checkpoints/create", {
        name: "Before refactoring",
        description: "Checkpoint before starting code refactoring",
      });
      expect(created.status).toBe(200);
      expect(created.body).toEqual({
        checkpoint_id: expect.stringMatching(/^ckpt_[0-9a-f]{16}$/),
        status: "created",
        name: "Before refactoring",
        description: "Checkpoint before starting code refactoring",
      });
      const id = created.body!.checkpoint_id as string;
      await run(conv, "refactor", [
        { name: "edit_file", args: { path: "a.txt", old_text: "alpha", new_text: "ALPHA" } },
        { name: "delete_file", args: { path: "b.txt" } },
        { name: "write_file", args: { path: "sub/c.txt", content: "new\n" } },
      ]);
      writeFileSync(file("untouched.txt"), "changed by a human\n");
      expect([read("a.txt"), read("b.txt"), read("sub/c.txt")]).toEqual(["ALPHA\n", undefined, "new\n"]);
      const before = await history(conv);
      expect(before).toHaveLength(8);

      const rolled = await rest("POST", `/api/v1/checkpoints/${id}/rollback`);
      expect(rolled.status).toBe(200);
      expect(rolled.body).toEqual({
        status: "success",
        checkpoint_id: id,
        message: `Successfully rolled back to checkpoint ${id}`,
        changed_files: ["a.txt", "b.txt", "sub/c.txt"],
        safety_checkpoint_id: expect.stringMatching(/^ckpt_/),
        session_id: conv,
        message_count: 2,
      });
      expect([read("a.txt"), read("b.txt"), read("sub/c.txt")]).toEqual(["alpha\n", "bravo\n", undefined]);
      expect(read("untouched.txt"), "a file the agent never touched is never written").toBe("changed by a human\n");
      expect(await history(conv)).toEqual(["user:hello", "assistant:hi"]);
      const events = await collect(c.chat.subscribe({ conversationId: conv, endAfterLiveRuns: true }));
      const restored = events.filter((e) => e.kind.case === "checkpointRestored");
      expect(restored.map((e) => e.kind.value)).toMatchObject([
        { checkpointId: id, safetyCheckpointId: rolled.body!.safety_checkpoint_id, messageCount: 2 },
      ]);
      const seqs = events.filter((e) => e.seq > 0n).map((e) => Number(e.seq));
      expect(seqs, "seqs stay strictly increasing").toEqual([...seqs].sort((a, b) => a - b));

      // The safety checkpoint undoes the rollback, through the Connect client.
      const undo = await ckpts().rollbackCheckpoint({ checkpointId: rolled.body!.safety_checkpoint_id });
      expect(undo.changedFiles).toEqual(["a.txt", "b.txt", "sub/c.txt"]);
      expect([read("a.txt"), read("b.txt"), read("sub/c.txt")]).toEqual(["ALPHA\n", undefined, "new\n"]);
      expect(await history(conv)).toEqual(before);
      expect(read("untouched.txt")).toBe("changed by a human\n");

      const listed = await rest("GET", `/api/v1/checkpoints?session_id=${conv}&limit=50`);
      expect(listed.body!.checkpoints[0]).toEqual({
        id: expect.stringMatching(/^ckpt_/),
        name: `Before rollback to ${rolled.body!.safety_checkpoint_id}`,
        description: expect.any(String),
        created_at: expect.any(String),
        type: "rollback",
        session_id: conv,
      });
      // An automatic checkpoint per stored message: 2 in the first run, 6 in the second (user, tool request, 3 results, answer).
      expect(listed.body!.checkpoints.map((k: { type: string }) => k.type)).toEqual([
        "rollback",
        "rollback",
        ...Array<string>(6).fill("auto"),
        "manual",
        "auto",
        "auto",
      ]);
    },
  );

  it("refuses a rollback over files edited outside the agent with 409 listing them, and force overrides it", async () => {
    c = await createChatEnv();
    writeFileSync(file("a.txt"), "one\n");
    writeFileSync(file("b.txt"), "two\n");
    const conv = await run("", "start", [], "ok");
    const { checkpointId } = await ckpts().createCheckpoint({ name: "start", conversationId: conv });
    await run(conv, "edit both", [
      { name: "write_file", args: { path: "a.txt", content: "agent one\n" } },
      { name: "write_file", args: { path: "b.txt", content: "agent two\n" } },
    ]);
    writeFileSync(file("b.txt"), "human two\n");
    const total = async () => (await ckpts().listCheckpoints({})).checkpoints.length;
    const count = await total();

    const refused = await rest("POST", `/api/v1/checkpoints/${checkpointId}/rollback`, {});
    expect(refused.status).toBe(409);
    expect(refused.body!.detail).toContain("b.txt");
    expect(refused.body!.detail).not.toContain("a.txt");
    const err = await ckpts()
      .rollbackCheckpoint({ checkpointId })
      .then(() => undefined, ConnectError.from);
    expect(err?.code).toBe(Code.Aborted);
    expect(err?.findDetails(RequestErrorSchema)[0]).toMatchObject({
      reason: RequestError_Reason.CONFLICT,
      conflicts: ["b.txt"],
    });
    expect([read("a.txt"), read("b.txt")], "a refused rollback writes nothing").toEqual(["agent one\n", "human two\n"]);
    expect(await total(), "and takes no safety checkpoint").toBe(count);
    expect(await history(conv)).toHaveLength(7);

    const forced = await rest("POST", `/api/v1/checkpoints/${checkpointId}/rollback`, { force: true });
    expect(forced.status).toBe(200);
    expect(forced.body!.changed_files).toEqual(["a.txt", "b.txt"]);
    expect([read("a.txt"), read("b.txt")]).toEqual(["one\n", "two\n"]);
    expect(await history(conv)).toEqual(["user:start", "assistant:ok"]);
    // The human's edit was kept in the safety checkpoint.
    await ckpts().rollbackCheckpoint({ checkpointId: forced.body!.safety_checkpoint_id });
    expect([read("a.txt"), read("b.txt")]).toEqual(["agent one\n", "human two\n"]);
  });

  it("keeps checkpoints and file snapshots across a restart, and rolls back after it", async () => {
    c = await createChatEnv();
    writeFileSync(file("k.txt"), "k0\n");
    const conv = await run("", "a", [], "a");
    const { checkpointId } = await ckpts().createCheckpoint({ name: "k", sessionId: conv });
    await run(conv, "b", [{ name: "write_file", args: { path: "k.txt", content: "k1\n" } }]);
    await c.server.close();
    c.server = await c.env.start({
      env: { OPENAI_BASE_URL: c.fake.url, OPENAI_API_KEY: "k", FLOE_MODEL: "fake-model" },
    });
    const r = await ckpts().rollbackCheckpoint({ checkpointId });
    expect(r).toMatchObject({ status: "success", changedFiles: ["k.txt"], messageCount: 2 });
    expect(read("k.txt")).toBe("k0\n");
    expect(await history(conv)).toEqual(["user:a", "assistant:a"]);
  });

  it("branches an independent conversation from a checkpoint", async () => {
    c = await createChatEnv();
    const conv = await run("", "first", [], "one");
    const [auto] = (await ckpts().listCheckpoints({ sessionId: conv })).checkpoints;
    expect(auto).toMatchObject({ type: "auto", messageCount: 2 });
    await run(conv, "second", [], "two");

    const branched = await rest("POST", `/api/v1/checkpoints/${auto!.id}/branch`, {
      name: "Alternative approach",
      description: "Exploring different solution path",
    });
    expect(branched.status).toBe(200);
    expect(branched.body).toEqual({
      branch_id: expect.any(String),
      source_checkpoint_id: auto!.id,
      status: "created",
      name: "Alternative approach",
      description: "Exploring different solution path",
    });
    const branch = branched.body!.branch_id as string;
    expect(branch).not.toBe(conv);
    expect(await history(branch)).toEqual(["user:first", "assistant:one"]);
    await run(branch, "on the branch", [], "branch answer");
    await run(conv, "on the source", [], "source answer");
    expect(await history(branch)).toEqual([
      "user:first",
      "assistant:one",
      "user:on the branch",
      "assistant:branch answer",
    ]);
    expect(await history(conv)).toEqual([
      "user:first",
      "assistant:one",
      "user:second",
      "assistant:two",
      "user:on the source",
      "assistant:source answer",
    ]);
    const branchCkpts = (await ckpts().listCheckpoints({ conversationId: branch })).checkpoints;
    expect(branchCkpts.map((k) => k.type)).toEqual(["auto", "auto", "branch"]);
    // Rolling the source back leaves the branch as it is.
    await ckpts().rollbackCheckpoint({ checkpointId: auto!.id });
    expect(await history(conv)).toEqual(["user:first", "assistant:one"]);
    expect(await history(branch)).toHaveLength(4);
    const unnamed = await ckpts().branchCheckpoint({ checkpointId: auto!.id });
    expect(unnamed).toMatchObject({ status: "created", name: "Branch of first", sourceCheckpointId: auto!.id });
    expect(await history(unnamed.branchId)).toEqual(["user:first", "assistant:one"]);
  });
});
