import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { CheckpointService } from "../gen/floe/v1/checkpoint_pb.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { restCall } from "./support/rest.js";
import { holdJournalWrites } from "./support/journal-gate.js";

type Call = { name: string; args: unknown };

describe("a rollback never follows a link, checks everything before writing, and undoes a failed write", () => {
  let c: ChatEnv;
  const outsideDirs: string[] = [];
  afterEach(async () => {
    await c?.cleanup();
    for (const d of outsideDirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const ckpts = () =>
    createClient(CheckpointService, createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }));
  const rest = (method: string, path: string, body?: unknown) => restCall(c.server.url, method, path, body);
  const file = (name: string) => join(c.server.app.runtime.activeRoot, name);
  const read = (name: string) => (existsSync(file(name)) ? readFileSync(file(name), "utf8") : undefined);
  const outside = async () => {
    const d = await mkdtemp(join(tmpdir(), "floe-outside-"));
    outsideDirs.push(d);
    return d;
  };

  async function run(conversationId: string, text: string, calls: Call[]): Promise<string> {
    if (calls.length) c.fake.enqueue(reply.toolCalls(calls));
    c.fake.enqueue(reply.text("done"));
    const res = await c.chat.sendMessage({ chat: { text, conversationId } });
    expect(res.status).toBe("completed");
    for (const a of res.actionResults) expect(a.status, a.result).toBe("completed");
    return res.conversationId;
  }

  /** A conversation with a manual checkpoint, then a run that makes `calls`. */
  async function checkpointThen(calls: Call[]): Promise<{ conv: string; id: string }> {
    const conv = await run("", "hi", []);
    const { checkpointId } = await ckpts().createCheckpoint({ name: "base", sessionId: conv });
    await run(conv, "work", calls);
    return { conv, id: checkpointId };
  }

  const historyLength = async (conv: string) =>
    ((await rest("GET", `/api/v1/conversations/${conv}/history`)).body!.messages as unknown[]).length;
  const checkpointCount = async () => (await ckpts().listCheckpoints({})).checkpoints.length;
  const blobContents = async () =>
    (await c.server.app.database.db.selectFrom("checkpoint_blobs").select("content").execute()).map((b) => b.content);

  it("refuses a file replaced by a link unless forced, then removes the link itself, never its target", async () => {
    c = await createChatEnv();
    const secret = join(await outside(), "secret.txt");
    writeFileSync(secret, "TOP SECRET\n");
    // The same bytes as the agent's file: hashed through the link, it would look untouched.
    writeFileSync(file("victim.txt"), "agent\n");
    writeFileSync(file("a.txt"), "a0\n");
    const { conv, id } = await checkpointThen([
      { name: "write_file", args: { path: "new.txt", content: "agent\n" } },
      { name: "write_file", args: { path: "a.txt", content: "a1\n" } },
    ]);
    unlinkSync(file("new.txt"));
    symlinkSync(file("victim.txt"), file("new.txt"));
    unlinkSync(file("a.txt"));
    symlinkSync(secret, file("a.txt"));
    const count = await checkpointCount();

    const refused = await rest("POST", `/api/v1/checkpoints/${id}/rollback`, {});
    expect(refused.status).toBe(409);
    expect(refused.body!.detail).toContain("a.txt (is now a symbolic link)");
    expect(refused.body!.detail).toContain("new.txt (is now a symbolic link)");
    expect(refused.body!.detail).toContain("set force");
    expect(await checkpointCount(), "a refused rollback takes no safety checkpoint").toBe(count);

    const forced = await rest("POST", `/api/v1/checkpoints/${id}/rollback`, { force: true });
    expect(forced.status).toBe(200);
    expect(forced.body!.changed_files).toEqual(["a.txt", "new.txt"]);
    expect(readFileSync(file("victim.txt"), "utf8"), "the link's target is never deleted").toBe("agent\n");
    expect(readFileSync(secret, "utf8"), "nor written").toBe("TOP SECRET\n");
    expect(
      lstatSync(file("new.txt"), { throwIfNoEntry: false }),
      "absent at the checkpoint: link removed",
    ).toBeUndefined();
    expect(lstatSync(file("a.txt")).isSymbolicLink(), "the link itself was replaced by the file").toBe(false);
    expect(read("a.txt")).toBe("a0\n");
    const blobs = await blobContents();
    expect(
      blobs.some((b) => b.includes("TOP SECRET")),
      "no link was read",
    ).toBe(false);
    expect(await historyLength(conv)).toBe(2);
  });

  it("never writes through a linked parent directory, even forced: 409 naming the file, nothing changed", async () => {
    c = await createChatEnv();
    const elsewhere = await outside();
    writeFileSync(join(elsewhere, "x.txt"), "human x\n");
    writeFileSync(file("a.txt"), "a0\n");
    const { conv, id } = await checkpointThen([
      { name: "write_file", args: { path: "a.txt", content: "a1\n" } },
      { name: "write_file", args: { path: "sub/x.txt", content: "agent x\n" } },
    ]);
    rmSync(file("sub"), { recursive: true });
    symlinkSync(elsewhere, file("sub"));
    const count = await checkpointCount();
    const before = await historyLength(conv);

    const forced = await ckpts()
      .rollbackCheckpoint({ checkpointId: id, force: true })
      .then(() => undefined, ConnectError.from);
    expect(forced?.code).toBe(Code.Aborted);
    expect(forced?.rawMessage).toContain("sub/x.txt (is now reached through a symbolic link)");
    expect(forced?.rawMessage).toContain("force cannot override");
    const rest409 = await rest("POST", `/api/v1/checkpoints/${id}/rollback`, { force: true });
    expect(rest409.status).toBe(409);
    expect(readFileSync(join(elsewhere, "x.txt"), "utf8"), "nothing outside the root is deleted").toBe("human x\n");
    expect(read("a.txt"), "no file is written when one cannot be").toBe("a1\n");
    expect(await checkpointCount()).toBe(count);
    expect(await historyLength(conv)).toBe(before);
    expect(
      (await blobContents()).some((b) => b.includes("human x")),
      "nothing outside is read",
    ).toBe(false);
  });

  it("answers a file that became a directory with 409, not a 500, and changes nothing", async () => {
    c = await createChatEnv();
    writeFileSync(file("a.txt"), "a0\n");
    const { conv, id } = await checkpointThen([
      { name: "write_file", args: { path: "a.txt", content: "a1\n" } },
      { name: "write_file", args: { path: "d.txt", content: "agent\n" } },
    ]);
    unlinkSync(file("d.txt"));
    mkdirSync(file("d.txt"));
    writeFileSync(file("d.txt/inner"), "human\n");
    const before = await historyLength(conv);
    for (const force of [false, true]) {
      const r = await rest("POST", `/api/v1/checkpoints/${id}/rollback`, { force });
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.body!.detail).toContain("d.txt (is now a directory)");
    }
    expect([read("a.txt"), read("d.txt/inner")]).toEqual(["a1\n", "human\n"]);
    expect(await historyLength(conv)).toBe(before);
  });

  it("puts back what it wrote when a write fails midway, answers a clear error and leaves the history", async () => {
    c = await createChatEnv();
    for (const n of ["a", "b", "c"]) writeFileSync(file(`${n}.txt`), `${n}0\n`);
    const { conv, id } = await checkpointThen(
      ["a", "b", "c"].map((n) => ({ name: "write_file", args: { path: `${n}.txt`, content: `${n}1\n` } })),
    );
    const count = await checkpointCount();
    const before = await historyLength(conv);
    const io = c.server.app.checkpoints.journal.io;
    const realWrite = io.write.bind(io);
    let writes = 0;
    io.write = async (path, bytes) => {
      // The second restore fails after writing part of the file: an I/O error midway.
      if (++writes === 2) {
        await realWrite(path, bytes.subarray(0, 1));
        throw Object.assign(new Error("EIO: i/o error, write"), { code: "EIO" });
      }
      return realWrite(path, bytes);
    };
    const err = await ckpts()
      .rollbackCheckpoint({ checkpointId: id })
      .then(() => undefined, ConnectError.from);
    expect(err?.code).toBe(Code.FailedPrecondition);
    expect(err?.rawMessage).toMatch(/could not restore [abc]\.txt: EIO: i\/o error, write; the rollback was undone/);
    expect(writes, "the first restore was written, the second failed").toBeGreaterThanOrEqual(2);
    expect([read("a.txt"), read("b.txt"), read("c.txt")], "every file is back as it was").toEqual([
      "a1\n",
      "b1\n",
      "c1\n",
    ]);
    expect(await historyLength(conv)).toBe(before);
    expect(await checkpointCount(), "the safety checkpoint of an undone rollback goes").toBe(count);

    io.write = realWrite;
    const ok = await ckpts().rollbackCheckpoint({ checkpointId: id });
    expect(ok.changedFiles).toEqual(["a.txt", "b.txt", "c.txt"]);
    expect([read("a.txt"), read("b.txt"), read("c.txt")]).toEqual(["a0\n", "b0\n", "c0\n"]);
  });

  it("holds the conversation for the whole rollback: a run cannot start or queue in it, nor a second rollback", async () => {
    c = await createChatEnv();
    writeFileSync(file("a.txt"), "a0\n");
    const { conv, id } = await checkpointThen([{ name: "write_file", args: { path: "a.txt", content: "a1\n" } }]);
    const { atWrite, release } = holdJournalWrites(c.server);
    const rolling = ckpts().rollbackCheckpoint({ checkpointId: id });
    // The rollback is now past its safety checkpoint, in the middle of writing files.
    await atWrite;
    for (const queue of [false, true]) {
      const err = await c.chat
        .sendMessage({ chat: { text: "SENT DURING ROLLBACK", conversationId: conv, queue } })
        .then(() => undefined, ConnectError.from);
      expect(err?.code, `queue=${queue}`).toBe(Code.FailedPrecondition);
      expect(err?.rawMessage).toContain(`conversation ${conv} is busy: a rollback to a checkpoint is in progress`);
    }
    const second = await rest("POST", `/api/v1/checkpoints/${id}/rollback`, {});
    expect(second.status).toBe(409);
    expect(second.body!.detail).toContain("is busy: a rollback to a checkpoint is in progress");
    release();
    expect((await rolling).changedFiles).toEqual(["a.txt"]);
    const texts = (await rest("GET", `/api/v1/conversations/${conv}/history`)).body!.messages.map(
      (m: { content: string }) => m.content,
    );
    expect(texts, "the refused message never reached the history").not.toContain("SENT DURING ROLLBACK");
    expect(texts).toHaveLength(2);
    await run(conv, "after the rollback", []);
    expect(await historyLength(conv)).toBe(4);
  });
});
