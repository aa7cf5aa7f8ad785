import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import type { Event } from "../gen/floe/v1/events_pb.js";
import { type FakeOpenAI, reply, startFakeOpenAI } from "./support/fake-openai.js";
import { exited, floe, listening } from "./support/floe-process.js";
import { createThrowawayDatabase, type ThrowawayDatabase } from "./support/postgres.js";

const TERMINAL = ["complete", "error", "cancelled"];

/** The numbered events of a conversation, read on `chat` from the start until `runId`'s terminal event. */
async function untilRunEnds(chat: Client<typeof ChatService>, conversationId: string, runId: string): Promise<Event[]> {
  const out: Event[] = [];
  for await (const r of chat.subscribe({ conversationId, afterSeq: 0n })) {
    if (!r.event || r.event.seq === 0n) continue;
    out.push(r.event);
    if (r.event.runId === runId && TERMINAL.includes(r.event.kind.case ?? "")) break;
  }
  return out;
}

/** Sends SIGTERM, and returns once the instance refuses new work: it drains, its run holding the conversation. */
async function untilDraining(child: ChildProcess, chat: Client<typeof ChatService>, conversationId: string) {
  child.kill("SIGTERM");
  for (;;) {
    const e = await chat.sendMessage({ chat: { text: "probe", conversationId } }).then(
      () => undefined,
      (err: unknown) => ConnectError.from(err),
    );
    if (e?.code === Code.Unavailable) return;
  }
}

/** Two real `floe serve` processes on one Postgres; A is killed with SIGKILL in the middle of a run. */
describe("failover when an instance dies (Postgres, real processes)", () => {
  let ws: string;
  let fake: FakeOpenAI;
  let pgdb: ThrowawayDatabase;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill("SIGKILL");
      await exited(child);
    }
    await fake?.close();
    await pgdb?.drop();
    rmSync(ws, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string }> {
    const child = floe(["serve", "--workspace", ws, "--port", "0"], {
      ...env,
      OPENAI_BASE_URL: fake.url,
      OPENAI_API_KEY: "test-key",
      FLOE_MODEL: "fake-model",
      FLOE_MODEL_MAX_RETRIES: "0",
      FLOE_PROJECT_ROOT: ws,
      FLOE_HEARTBEAT_MS: "200",
      FLOE_DATABASE_URL: pgdb.url,
      // Short leases: the survivor notices the dead owner within a second.
      FLOE_LEASE_MS: "600",
    });
    children.push(child);
    return { child, url: await listening(child) };
  }

  /** A fresh workspace, fake model and database, and two instances on them, with a chat client each. */
  async function twoInstances(prefix: string, envA: Record<string, string> = {}) {
    ws = mkdtempSync(join(tmpdir(), prefix));
    fake = await startFakeOpenAI();
    pgdb = await createThrowawayDatabase();
    const a = await start(envA);
    const b = await start();
    const client = (url: string) =>
      createClient(ChatService, createConnectTransport({ baseUrl: url, httpVersion: "1.1" }));
    return { a, b, chatA: client(a.url), chatB: client(b.url) };
  }

  it("ends the dead instance's run with one terminal event, keeps seqs unique, and frees the conversation", async () => {
    const { a, chatA, chatB } = await twoInstances("floe-failover-");
    fake.enqueue(reply.stall(["one ", "two ", "three "], 120_000));
    const seen: Event[] = [];
    for await (const r of chatA.streamMessage({ chat: { text: "a long job" } })) {
      seen.push(r.event!);
      if (r.event!.kind.case === "token") break;
    }
    const { runId, conversationId } = seen[0]!;
    a.child.kill("SIGKILL");
    await exited(a.child);

    // B notices the expired lease and ends the run: its subscriber sees the one terminal event.
    const onB = await untilRunEnds(chatB, conversationId, runId);
    const ends = onB.filter((e) => TERMINAL.includes(e.kind.case ?? ""));
    expect(ends).toHaveLength(1);
    expect(ends[0]!.kind.case).toBe("error");
    expect(JSON.stringify(ends[0]!.kind.value)).toContain("the instance running it stopped");
    // No seq is given twice, and none the client saw on A is reused by B for another event.
    const seqs = onB.map((e) => Number(e.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    const byA = new Map(seen.filter((e) => e.seq > 0n).map((e) => [Number(e.seq), e]));
    for (const e of onB) {
      const mine = byA.get(Number(e.seq));
      if (mine) expect(e.kind.case).toBe(mine.kind.case);
    }
    expect(Number(ends[0]!.seq)).toBeGreaterThan(Math.max(...byA.keys()));

    // The conversation takes a new run, on B.
    fake.enqueue(reply.text("back in business"));
    const next = await chatB.sendMessage({ chat: { text: "again", conversationId } });
    expect(next.status).toBe("completed");
    expect(next.response).toBe("back in business");
  }, 60_000);

  it("drains on SIGTERM: refuses new runs, lets the live one finish, ends streams; the client resumes on B", async () => {
    const { a, chatA, chatB } = await twoInstances("floe-drain-");
    fake.enqueue(reply.text("hello"));
    const { conversationId } = await chatA.sendMessage({ chat: { text: "hi" } });
    fake.enqueue(reply.stall(["one ", "two "], 3000));
    const seen: Event[] = [];
    const onA = (async () => {
      for await (const r of chatA.subscribe({ conversationId, afterSeq: 0n }))
        if (r.event && r.event.seq > 0n) seen.push(r.event);
    })();
    const started = chatA.sendMessage({ chat: { text: "a slow one", conversationId } });
    while (!seen.some((e) => e.kind.case === "token")) await new Promise((r) => setTimeout(r, 20));
    a.child.kill("SIGTERM");
    // Until the signal lands the conversation is busy; once draining, A refuses any run, saying why.
    let refusal: ConnectError | undefined;
    while (!refusal) {
      const e = await chatA.sendMessage({ chat: { text: "more", conversationId } }).then(
        () => undefined,
        (err: unknown) => ConnectError.from(err),
      );
      if (e?.code === Code.Unavailable) refusal = e;
      else expect(e?.code).toBe(Code.FailedPrecondition);
    }
    expect(refusal.rawMessage).toContain("shutting down");
    // The live run finishes within the grace period; then A's stream ends cleanly and A exits.
    expect((await started).status).toBe("completed");
    await onA;
    await exited(a.child);
    expect(a.child.exitCode).toBe(0);
    // The client resumes on B from the last seq it saw: nothing lost, nothing repeated.
    const last = seen.at(-1)!.seq;
    const rest: Event[] = [];
    for await (const r of chatB.subscribe({ conversationId, afterSeq: last, endAfterLiveRuns: true }))
      if (r.event && r.event.seq > 0n) rest.push(r.event);
    const seqs = [...seen, ...rest].map((e) => Number(e.seq));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect([...seen, ...rest].filter((e) => e.kind.case === "complete")).toHaveLength(2);
    fake.enqueue(reply.text("on B now"));
    expect((await chatB.sendMessage({ chat: { text: "again", conversationId } })).response).toBe("on B now");
  }, 60_000);

  it("an instance stalled past its lease (SIGSTOP) writes nothing more on waking; its queued run runs once, on B", async () => {
    const { a, chatA, chatB } = await twoInstances("floe-stall-");
    fake.enqueue(reply.stall(["working "], 4000), reply.text("the queued one, answered"));
    const it = chatA.streamMessage({ chat: { text: "a long job" } })[Symbol.asyncIterator]();
    const first = (await it.next()).value!.event!;
    const { conversationId, runId } = first;
    // Queued behind it on A itself; its row holds its request.
    const queued = chatA
      .sendMessage({ chat: { text: "QUEUED ON A", conversationId, queue: true } })
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    // A stalls (a long GC pause, a frozen VM): B takes the conversation over, ends A's run and runs the queue.
    a.child.kill("SIGSTOP");
    const onB: Event[] = [];
    for await (const r of chatB.subscribe({ conversationId, afterSeq: 0n })) {
      if (!r.event || r.event.seq === 0n) continue;
      onB.push(r.event);
      if (r.event.kind.case === "complete" && r.event.runId !== runId) break;
    }
    a.child.kill("SIGCONT");
    void queued;
    // A wakes, finds its lease gone, and stops without writing: give it time to misbehave.
    await new Promise((r) => setTimeout(r, 2500));
    const rest: Event[] = [];
    for await (const r of chatB.subscribe({ conversationId, afterSeq: onB.at(-1)!.seq, endAfterLiveRuns: true }))
      if (r.event && r.event.seq > 0n) rest.push(r.event);
    const all = [...onB, ...rest];
    const terminals = all.filter((e) => TERMINAL.includes(e.kind.case ?? ""));
    // One terminal event per run: A's run ended once (by B), the queued one completed once.
    expect(terminals.map((e) => e.runId).sort()).toEqual([...new Set(terminals.map((e) => e.runId))].sort());
    expect(terminals).toHaveLength(2);
    expect(terminals.find((e) => e.runId === runId)!.kind.case).toBe("error");
    expect(fake.requests.filter((q) => JSON.stringify(q.messages).includes("QUEUED ON A"))).toHaveLength(1);
    const seqs = all.map((e) => Number(e.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
  }, 60_000);

  it("a drain whose grace ends with a run still queued leaves that run to B, which runs it once", async () => {
    const { a, chatA, chatB } = await twoInstances("floe-drain-queued-", { FLOE_DRAIN_GRACE_MS: "300" });
    fake.enqueue(reply.stall(["working "], 30_000), reply.text("the queued one, answered on B"));
    const it = chatA.streamMessage({ chat: { text: "a long job" } })[Symbol.asyncIterator]();
    const { conversationId, runId } = (await it.next()).value!.event!;
    const queued = chatA.streamMessage({ chat: { text: "QUEUED ON A", conversationId, queue: true } });
    const queuedRunId = (await queued[Symbol.asyncIterator]().next()).value!.event!.runId;
    a.child.kill("SIGTERM");
    await exited(a.child);
    expect(a.child.exitCode).toBe(0);
    // The active run was cancelled by the drain; the queued one ran after it, on B, once.
    const all = await untilRunEnds(chatB, conversationId, queuedRunId);
    const ends = all.filter((e) => TERMINAL.includes(e.kind.case ?? ""));
    expect(ends.map((e) => [e.runId, e.kind.case])).toEqual([
      [runId, "cancelled"],
      [queuedRunId, "complete"],
    ]);
    const run = await chatB.getRun({ runId: queuedRunId });
    expect(run).toMatchObject({ status: "completed", result: { response: "the queued one, answered on B" } });
    const asked = fake.requests.map((r) => r.messages.at(-1).content);
    expect(asked.filter((c) => c === "QUEUED ON A")).toHaveLength(1);
  }, 60_000);

  it("a draining instance adopts no queued run: one sent to B meanwhile runs on B once A has let go", async () => {
    const { a, chatA, chatB } = await twoInstances("floe-drain-adopt-", { FLOE_DRAIN_GRACE_MS: "1500" });
    fake.enqueue(reply.stall(["working "], 30_000), reply.text("sent to B during the drain"));
    const it = chatA.streamMessage({ chat: { text: "a long job" } })[Symbol.asyncIterator]();
    const { conversationId, runId } = (await it.next()).value!.event!;
    await untilDraining(a.child, chatA, conversationId);
    const sent = await chatB.sendMessage({ chat: { text: "QUEUED ON B", conversationId, queue: true } });
    expect(sent).toMatchObject({ status: "completed", response: "sent to B during the drain" });
    await exited(a.child);
    const ends: Event[] = [];
    for await (const r of chatB.subscribe({ conversationId, afterSeq: 0n, endAfterLiveRuns: true }))
      if (r.event && TERMINAL.includes(r.event.kind.case ?? "")) ends.push(r.event);
    expect(ends.map((e) => [e.runId, e.kind.case])).toEqual([
      [runId, "cancelled"],
      [sent.runId, "complete"],
    ]);
  }, 60_000);

  it("cancelling a queued run no instance has adopted yet cancels it once one does, and it never runs", async () => {
    const { a, chatA, chatB } = await twoInstances("floe-drain-cancel-", { FLOE_DRAIN_GRACE_MS: "1500" });
    fake.enqueue(reply.stall(["working "], 30_000), reply.text("should never be asked"));
    const it = chatA.streamMessage({ chat: { text: "a long job" } })[Symbol.asyncIterator]();
    const { conversationId } = (await it.next()).value!.event!;
    await untilDraining(a.child, chatA, conversationId);
    // Sent to B while A drains: A adopts nothing, so the run waits, stored and adopted by nobody (its stream
    // shows nothing until it starts: its id is read from the runs table).
    const queued = chatB.sendMessage({ chat: { text: "QUEUED ON B", conversationId, queue: true } });
    const db = new pg.Client({ connectionString: pgdb.url });
    await db.connect();
    let queuedRunId = "";
    while (!queuedRunId) {
      const q = "select id, adopted_by from runs where conversation_id = $1 and status = 'queued'";
      const row = (await db.query(q, [conversationId])).rows[0];
      if (row) queuedRunId = row.id;
      await new Promise((r) => setTimeout(r, 20));
    }
    await db.end();
    const cancelled = await chatB.cancelRun({ runId: queuedRunId });
    expect(cancelled).toMatchObject({ status: "cancelled", cancelled: true });
    const answer = await queued.then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    expect(answer?.code).toBe(Code.Canceled);
    await exited(a.child);
    const ends = (await untilRunEnds(chatB, conversationId, queuedRunId)).filter((e) =>
      TERMINAL.includes(e.kind.case ?? ""),
    );
    expect(ends.at(-1)).toMatchObject({ runId: queuedRunId, kind: { case: "cancelled" } });
    expect(fake.requests.filter((q) => JSON.stringify(q.messages).includes("QUEUED ON B"))).toHaveLength(0);
  }, 60_000);
});
