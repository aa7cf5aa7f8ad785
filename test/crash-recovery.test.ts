import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { ConversationService } from "../gen/floe/v1/conversation_pb.js";
import type { Event } from "../gen/floe/v1/events_pb.js";
import { collect } from "./support/chat-env.js";
import { type FakeOpenAI, reply, startFakeOpenAI } from "./support/fake-openai.js";
import { exited, floe, listening } from "./support/floe-process.js";

const ANSWER = "a".repeat(400);

/**
 * Floe killed with SIGKILL in the middle of a streamed run, then started
 * again on the same workspace. Events reach clients before their batch is
 * written, so some a client saw are lost: every seq it saw must come back as
 * the same event or lie below a `gap` it is told about, and a resume from
 * any seq it saw must reach the run's terminal event.
 */
describe("a crash in the middle of a run", () => {
  let ws: string;
  let fake: FakeOpenAI;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    child?.kill("SIGKILL");
    if (child) await exited(child);
    await fake?.close();
    rmSync(ws, { recursive: true, force: true });
  });

  async function start(): Promise<string> {
    child = floe(["serve", "--workspace", ws, "--port", "0"], {
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: "test-key",
      FLOE_MODEL: "fake-model",
      FLOE_MODEL_MAX_RETRIES: "0",
      FLOE_PROJECT_ROOT: ws,
      FLOE_HEARTBEAT_MS: "200",
    });
    return listening(child);
  }

  async function crash(): Promise<void> {
    child!.kill("SIGKILL");
    await exited(child!);
  }

  it("keeps the messages, fails the run once, never reuses a seq, and reports the loss as a gap", async () => {
    ws = mkdtempSync(join(tmpdir(), "floe-crash-"));
    fake = await startFakeOpenAI();
    fake.enqueue(reply.text(ANSWER, { chunkSize: 2, delayMs: 10 }));
    const url = await start();
    const chat = createClient(ChatService, createConnectTransport({ baseUrl: url, httpVersion: "1.1" }));
    const seen: Event[] = [];
    for await (const r of chat.streamMessage({ chat: { text: "write a lot" } })) {
      seen.push(r.event!);
      if (seen.filter((e) => e.kind.case === "token").length >= 8) break;
    }
    await crash();
    const runId = seen[0]!.runId;
    const conversationId = seen[0]!.conversationId;
    const lastSeen = Math.max(...seen.map((e) => Number(e.seq)));

    const url2 = await start();
    const chat2 = createClient(ChatService, createConnectTransport({ baseUrl: url2, httpVersion: "1.1" }));
    for (const cursor of [0, 1, Math.ceil(lastSeen / 2), lastSeen]) {
      const replay = await collect(
        chat2.subscribe({ conversationId, afterSeq: BigInt(cursor), endAfterLiveRuns: true, includeReasoning: true }),
      );
      const stored = replay.filter((e) => e.seq > 0n);
      // Nothing at or below the cursor, and the run's one terminal event, an error, at the end.
      expect(stored.every((e) => Number(e.seq) > cursor)).toBe(true);
      const terminals = stored.filter((e) => ["complete", "error", "cancelled"].includes(e.kind.case ?? ""));
      expect(
        terminals.map((e) => [e.runId, e.kind.case]),
        `from ${cursor}`,
      ).toEqual([[runId, "error"]]);
      expect(stored.at(-1)!.kind.case).toBe("error");
      // Every seq the client saw is the same event again, or lies below a gap the client is told about.
      const gap = stored.find((e) => e.kind.case === "gap");
      for (const e of seen.filter((x) => Number(x.seq) > cursor)) {
        const again = stored.find((x) => x.seq === e.seq);
        if (again) expect(again.kind, `seq ${e.seq}`).toEqual(e.kind);
        else expect(gap && Number(gap.seq) > Number(e.seq), `seq ${e.seq} neither kept nor below a gap`).toBe(true);
      }
    }
    // The user's message is kept; the run is failed.
    const convs = createClient(ConversationService, createConnectTransport({ baseUrl: url2, httpVersion: "1.1" }));
    const history = await convs.getConversationHistory({ conversationId });
    expect(history.messages.map((m) => [m.role, m.content])).toEqual([["user", "write a lot"]]);
    await crash();
    const db = new Database(join(ws, "floe.db"), { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    expect(db.prepare("select status from runs where id = ?").get(runId)).toEqual({ status: "error" });
    db.close();
  });

  it("keeps a queued message's text when a crash comes before its turn", async () => {
    ws = mkdtempSync(join(tmpdir(), "floe-crash-"));
    fake = await startFakeOpenAI();
    fake.enqueue(reply.text(ANSWER, { chunkSize: 2, delayMs: 10 }));
    const url = await start();
    const chat = createClient(ChatService, createConnectTransport({ baseUrl: url, httpVersion: "1.1" }));
    const first = chat.streamMessage({ chat: { text: "long one" } })[Symbol.asyncIterator]();
    const start1 = (await first.next()).value!.event!;
    const queued = chat.streamMessage({
      chat: { text: "and then this, please", conversationId: start1.conversationId, queue: true },
    });
    const ack = (await queued[Symbol.asyncIterator]().next()).value!.event!;
    expect(ack.kind).toMatchObject({ case: "queued", value: { position: 1 } });
    await crash();

    const url2 = await start();
    const convs = createClient(ConversationService, createConnectTransport({ baseUrl: url2, httpVersion: "1.1" }));
    const history = await convs.getConversationHistory({ conversationId: start1.conversationId });
    expect(history.messages.map((m) => m.content)).toEqual(["long one", "and then this, please"]);
    const chat2 = createClient(ChatService, createConnectTransport({ baseUrl: url2, httpVersion: "1.1" }));
    const replay = await collect(chat2.subscribe({ conversationId: start1.conversationId, endAfterLiveRuns: true }));
    const terminals = replay.filter((e) => ["complete", "error", "cancelled"].includes(e.kind.case ?? ""));
    expect(terminals.map((e) => [e.runId, e.kind.case]).sort()).toEqual(
      [
        [start1.runId, "error"],
        [ack.runId, "error"],
      ].sort(),
    );
  });

  it("stores a queued message once, when its turn comes, even if a crash follows", async () => {
    ws = mkdtempSync(join(tmpdir(), "floe-crash-"));
    fake = await startFakeOpenAI();
    fake.enqueue(reply.text("first answer", { chunkSize: 3, delayMs: 20 }), reply.stall(["par"], 60_000));
    const url = await start();
    const chat = createClient(ChatService, createConnectTransport({ baseUrl: url, httpVersion: "1.1" }));
    const first = chat.streamMessage({ chat: { text: "first" } })[Symbol.asyncIterator]();
    const started = (await first.next()).value!.event!;
    const second = chat.streamMessage({
      chat: { text: "second, queued", conversationId: started.conversationId, queue: true },
    });
    // Read the queued run until its own turn has begun (the upstream stalls it), then crash.
    for await (const r of second) if (r.event?.kind.case === "token") break;
    await crash();
    const url2 = await start();
    const convs = createClient(ConversationService, createConnectTransport({ baseUrl: url2, httpVersion: "1.1" }));
    const history = await convs.getConversationHistory({ conversationId: started.conversationId });
    expect(history.messages.filter((m) => m.role === "user").map((m) => m.content)).toEqual([
      "first",
      "second, queued",
    ]);
  });
});
