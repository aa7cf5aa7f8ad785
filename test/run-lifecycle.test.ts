import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ConversationService } from "../gen/floe/v1/conversation_pb.js";
import type { Event } from "../gen/floe/v1/events_pb.js";
import { type ChatEnv, collect, createChatEnv, kinds } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(20);
  }
}

describe("run lifecycle: failures, cancel, resume", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  it.each([
    ["an upstream 500", () => reply.httpError(500, "boom"), "unavailable", /HTTP 500/],
    [
      "an upstream 429",
      () => reply.httpError(429, "slow down", { "retry-after-ms": "1" }),
      "resource_exhausted",
      /HTTP 429/,
    ],
    [
      "a reset before any answer",
      () => reply.dropConnection(),
      "unavailable",
      /reach the model endpoint|fetch failed|terminated|socket/i,
    ],
    ["a mid-stream disconnect", () => reply.disconnectMidStream(), "unavailable", /./],
    ["a malformed chunk", () => reply.malformed(), "", /malformed|JSON|Unexpected|Expected/i],
    ["a timeout", () => reply.hang(3000), "deadline_exceeded", /timed out/],
    [
      "a stream that stalls after three tokens",
      () => reply.stall(["a", "b", "c"], 20_000),
      "deadline_exceeded",
      /stalled/,
    ],
    ["a body that is not an event stream", () => reply.notEventStream(), "unavailable", /finish reason/],
  ])("ends in one error event after %s, with no run left hanging", async (_name, make, code, message) => {
    c = await createChatEnv({ env: { FLOE_MODEL_TIMEOUT_MS: "1500" } });
    c.fake.enqueue(make());
    const events = await collect(c.chat.streamMessage({ chat: { text: "hi" } }));
    const terminal = events.filter((e) => ["complete", "error", "cancelled"].includes(e.kind.case ?? ""));
    expect(terminal).toHaveLength(1);
    expect(terminal[0]!.kind.case).toBe("error");
    const err = terminal[0]!.kind.value as { message: string; code: string };
    expect(err.message).toMatch(message);
    if (code) expect(err.code).toBe(code);
    // Never presented as an answer: nothing was stored as an assistant message.
    const history = await c.server.app.conversations.all(events[0]!.conversationId);
    expect(history.map((m) => m.role)).toEqual(["user"]);
    // The conversation is free again.
    c.fake.enqueue(reply.text("recovered"));
    const next = await c.chat.sendMessage({ chat: { text: "again", conversationId: events[0]!.conversationId } });
    expect(next.response).toBe("recovered");
  });

  it("retries a 500 with backoff and then succeeds", async () => {
    c = await createChatEnv({ env: { FLOE_MODEL_MAX_RETRIES: "2" } });
    c.fake.enqueue(reply.httpError(503, "busy", { "retry-after-ms": "10" }), reply.text("second time lucky"));
    const res = await c.chat.sendMessage({ chat: { text: "hi" } });
    expect(res.response).toBe("second time lucky");
    expect(c.fake.requests).toHaveLength(2);
  });

  it("retries a dropped connection, and waits as long as Retry-After asks", async () => {
    c = await createChatEnv({ env: { FLOE_MODEL_MAX_RETRIES: "2" } });
    c.fake.enqueue(reply.dropConnection(), reply.text("reconnected"));
    expect((await c.chat.sendMessage({ chat: { text: "hi" } })).response).toBe("reconnected");
    expect(c.fake.requests).toHaveLength(2);

    // The SDK's own first backoff is at most 0.5 s; a Retry-After of 1 s must hold the retry longer.
    c.fake.enqueue(reply.httpError(429, "slow down", { "retry-after": "1" }), reply.text("after waiting"));
    const started = performance.now();
    expect((await c.chat.sendMessage({ chat: { text: "again" } })).response).toBe("after waiting");
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(c.fake.requests).toHaveLength(4);
  });

  it("resumes after a forced disconnect with every event exactly once, and the run outlives the client", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("a long answer streamed slowly to the client", { chunkSize: 2, delayMs: 15 }));
    const abort = new AbortController();
    const seen: Event[] = [];
    let conversationId = "";
    try {
      for await (const r of c.chat.streamMessage({ chat: { text: "go" } }, { signal: abort.signal })) {
        seen.push(r.event!);
        conversationId = r.event!.conversationId;
        if (seen.filter((e) => e.kind.case === "token").length === 3) abort.abort();
      }
    } catch (e) {
      expect(ConnectError.from(e).code).toBe(Code.Canceled);
    }
    const lastSeq = seen.at(-1)!.seq;
    const resumed: Event[] = [];
    for await (const r of c.chat.subscribe({ conversationId, afterSeq: lastSeq })) {
      const e = r.event!;
      if (e.kind.case === "snapshot" || e.kind.case === "heartbeat") continue;
      resumed.push(e);
      if (e.kind.case === "complete") break;
    }
    const all = [...seen, ...resumed];
    const seqs = all.map((e) => Number(e.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    const text = all
      .filter((e) => e.kind.case === "token")
      .map((e) => (e.kind.value as { token: string }).token)
      .join("");
    expect(text).toBe("a long answer streamed slowly to the client");
    expect(kinds(all).filter((k) => k === "complete")).toHaveLength(1);
  });

  it("opens a subscription with a snapshot, sends heartbeats, and reports a gap for a cursor older than retention", async () => {
    c = await createChatEnv({ env: { FLOE_EVENT_RETENTION: "5" } });
    c.fake.enqueue(reply.text("x".repeat(40), { chunkSize: 1 }));
    const first = await c.chat.sendMessage({ chat: { text: "fill the log" } });
    // Push enough events through to trigger pruning.
    for (let i = 0; i < 25; i++) {
      c.fake.enqueue(reply.text("y".repeat(40), { chunkSize: 1 }));
      await c.chat.sendMessage({ chat: { text: `more ${i}`, conversationId: first.conversationId } });
    }
    const abort = new AbortController();
    const got: Event[] = [];
    for await (const r of c.chat.subscribe(
      { conversationId: first.conversationId, afterSeq: 1n },
      { signal: abort.signal },
    )) {
      got.push(r.event!);
      if (r.event!.kind.case === "heartbeat") break;
    }
    expect(got[0]!.kind.case).toBe("snapshot");
    const snap = got[0]!.kind.value as { latestSeq: bigint; activeRuns: unknown[]; messageCount: number };
    expect(Number(snap.latestSeq)).toBeGreaterThan(100);
    expect(snap.messageCount).toBe(52);
    expect(got[1]!.kind.case).toBe("gap");
    expect(Number((got[1]!.kind.value as { oldestAvailableSeq: bigint }).oldestAvailableSeq)).toBeGreaterThan(2);
    expect(got.at(-1)!.kind.case).toBe("heartbeat");
  });

  it("cancels during a long execute_command, killing its process group, with one cancelled event", async () => {
    // Unconfined, so that the pids the command writes are the host's (test/sandbox.test.ts covers bubblewrap).
    c = await createChatEnv({ env: { FLOE_SANDBOX: "off" } });
    const root = c.server.app.runtime.activeRoot;
    c.fake.enqueue(
      reply.toolCalls([
        { name: "execute_command", args: { command: "echo $$ > shell.pid; sleep 60 & echo $! > child.pid; wait" } },
      ]),
    );
    const stream = c.chat.streamMessage({ chat: { text: "run it" } });
    const events: Event[] = [];
    let runId = "";
    for await (const r of stream) {
      events.push(r.event!);
      runId = r.event!.runId;
      if (r.event!.kind.case === "toolStart") {
        await waitFor(
          () => existsSync(join(root, "child.pid")) && readFileSync(join(root, "child.pid"), "utf8").trim() !== "",
        );
        const first = await c.chat.cancelRun({ runId });
        expect(first).toMatchObject({ runId, status: "cancelled", cancelled: true });
      }
    }
    expect(kinds(events).at(-1)).toBe("cancelled");
    expect(kinds(events).filter((k) => k === "cancelled" || k === "complete" || k === "error")).toHaveLength(1);
    const shell = Number(readFileSync(join(root, "shell.pid"), "utf8"));
    const child = Number(readFileSync(join(root, "child.pid"), "utf8"));
    await waitFor(() => !alive(shell) && !alive(child));
    // Idempotent: cancelling again reports the state without cancelling anything.
    const again = await c.chat.cancelRun({ runId });
    expect(again).toMatchObject({ runId, status: "cancelled", cancelled: false });
  });

  it("cancels before the first token: the upstream request is aborted and the server carries on", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.hang(10_000), reply.text("still serving"));
    const events: Event[] = [];
    for await (const r of c.chat.streamMessage({ chat: { text: "wait" } })) {
      events.push(r.event!);
      if (r.event!.kind.case === "progress") {
        await waitFor(() => c.fake.open() === 1);
        await c.chat.cancelRun({ runId: r.event!.runId });
      }
    }
    expect(kinds(events)).toEqual(["start", "progress", "cancelled"]);
    // The upstream saw its request dropped, and a later run on the same server works.
    await waitFor(() => c.fake.open() === 0);
    const next = await c.chat.sendMessage({ chat: { text: "again", conversationId: events[0]!.conversationId } });
    expect(next.response).toBe("still serving");
  });

  it("cancels when the client disconnects only if the request asked for it", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("slow ".repeat(20), { chunkSize: 5, delayMs: 30 }));
    const abort = new AbortController();
    let runId = "";
    let conversationId = "";
    try {
      for await (const r of c.chat.streamMessage(
        { chat: { text: "go", cancelOnDisconnect: true } },
        { signal: abort.signal },
      )) {
        runId = r.event!.runId;
        conversationId = r.event!.conversationId;
        if (r.event!.kind.case === "token") abort.abort();
      }
    } catch {
      // the client aborted
    }
    await waitFor(() => c.server.app.runs.activeRuns(conversationId).length === 0);
    const replay = await c.server.app.events.replay(conversationId, 0);
    expect(replay.filter((e) => e.runId === runId).at(-1)!.kind).toMatchObject({
      case: "cancelled",
      value: { reason: "client disconnected" },
    });
  });

  it("denies every path escape with a clear tool error", async () => {
    c = await createChatEnv();
    const root = c.server.app.runtime.activeRoot;
    const { symlinkSync, mkdirSync } = await import("node:fs");
    mkdirSync(join(root, "inside"));
    writeFileSync(join(root, "inside", "ok.txt"), "fine");
    symlinkSync("/etc", join(root, "escape-link"));
    symlinkSync(join(root, "inside"), join(root, "good-link"));
    c.fake.enqueue(
      reply.toolCalls([
        { name: "read_file", args: { path: "../../etc/passwd" } },
        { name: "read_file", args: { path: "/etc/passwd" } },
        { name: "read_file", args: { path: "escape-link/passwd" } },
        { name: "write_file", args: { path: "escape-link/evil", content: "x" } },
        { name: "list_files", args: { path: ".." } },
        { name: "execute_command", args: { command: "pwd", cwd: "../" } },
        { name: "find_files", args: { pattern: "*", path: "escape-link" } },
        { name: "read_file", args: { path: "good-link/ok.txt" } },
      ]),
      reply.text("done"),
    );
    const events = await collect(c.chat.streamMessage({ chat: { text: "try to escape" } }));
    const results = events
      .filter((e) => e.kind.case === "toolComplete")
      .map((e) => e.kind.value as { success: boolean; resultPreview: string });
    expect(results).toHaveLength(8);
    for (const r of results.slice(0, 7)) {
      expect(r.success).toBe(false);
      // The engine judges a symlinked write by where it lands (/etc: a system path); the tools refuse the rest.
      expect(r.resultPreview).toMatch(/outside the workspace root|\/etc\/evil is a system path/);
    }
    expect(results[7]).toMatchObject({ success: true, resultPreview: "fine" });
    expect(existsSync("/etc/evil")).toBe(false);
  });

  it("refuses to delete a conversation while it has a run, and keeps serving", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("y".repeat(40), { chunkSize: 1, delayMs: 20 }));
    const it1 = c.chat.streamMessage({ chat: { text: "long" } })[Symbol.asyncIterator]();
    const start = (await it1.next()).value!.event!;
    const convs = createClient(
      ConversationService,
      createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }),
    );
    const refused = await convs
      .deleteConversation({ conversationId: start.conversationId })
      .catch((e: unknown) => ConnectError.from(e));
    expect((refused as ConnectError).code).toBe(Code.FailedPrecondition);
    expect((refused as ConnectError).rawMessage).toContain("CancelRun");
    let last = start;
    for (let r = await it1.next(); !r.done; r = await it1.next()) last = r.value.event!;
    expect(last.kind.case).toBe("complete");
    // Once the run has ended, the delete goes through.
    await convs.deleteConversation({ conversationId: start.conversationId });
  });
});
