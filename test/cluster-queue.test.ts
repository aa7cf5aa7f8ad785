import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { describe, expect, it } from "vitest";
import { ChatRequestSchema } from "../gen/floe/v1/chat_pb.js";
import type { Event } from "../gen/floe/v1/events_pb.js";
import { MessageService } from "../gen/floe/v1/message_pb.js";
import { encodeQueuedRequest } from "../src/services/queued-request.js";
import { collect } from "./support/chat-env.js";
import { type Chat, type ClusterEnv, clusterPerTest, TERMINAL } from "./support/cluster-env.js";
import { reply } from "./support/fake-openai.js";
import { until } from "./support/rest.js";
import { heldReply, lockRunRow } from "./support/run-row-lock.js";

const cluster = clusterPerTest();

const messages = (url: string) =>
  createClient(MessageService, createConnectTransport({ baseUrl: url, httpVersion: "2" }));
/** The last user message the model was sent. */
const lastUser = (body: Record<string, any>) =>
  (body.messages as { role: string; content: string }[]).filter((m) => m.role === "user").at(-1)?.content;

/** Starts a run on A that stays live until `releaseAfterMs`; resolves with its ids once it streams. */
async function busyOnA(c: ClusterEnv, releaseAfterMs: number) {
  const [a] = c.chats as [Chat, Chat];
  c.fake.enqueue(reply.stall(["working "], releaseAfterMs));
  const it = a.streamMessage({ chat: { text: "first job" } })[Symbol.asyncIterator]();
  const first = (await it.next()).value as { event: Event };
  return { it, runId: first.event.runId, conversationId: first.event.conversationId };
}

describe("queued work across instances (Postgres)", () => {
  it("a queued chat sent to B runs on A, after A's run, and B streams it", async () => {
    const c = await cluster.use(2);
    const [, b] = c.chats as [Chat, Chat];
    const [appA, appB] = [c.servers[0]!.app, c.servers[1]!.app];
    const busy = await busyOnA(c, 1500);
    c.fake.enqueue(reply.text("second answer"));
    const events = await collect(
      b.streamMessage({ chat: { text: "then this", conversationId: busy.conversationId, queue: true } }),
    );
    const runId = events[0]!.runId;
    expect(runId).not.toBe(busy.runId);
    const kinds = events.map((e) => e.kind.case).filter((k) => k !== "heartbeat");
    expect(kinds.slice(0, 2)).toEqual(["queued", "start"]);
    expect(kinds.at(-1)).toBe("complete");
    const tokens = events.flatMap((e) => (e.kind.case === "token" ? [e.kind.value.token] : []));
    expect(tokens.join("")).toBe("second answer");
    // Executed by A, the instance holding the conversation, after its run: the model saw the first answer.
    const row = await appA.runRecords.byId(runId);
    expect(row).toMatchObject({ status: "completed", adopted_by: appA.cluster.instanceId });
    expect(appB.runs.find(runId)).toBeUndefined();
    const second = c.fake.requests.at(-1)!;
    expect(lastUser(second)).toBe("then this");
    expect(JSON.stringify(second.messages)).toContain("working ");
    // Seqs of the one conversation stay unique and increasing across both runs.
    const all = await collect(
      b.subscribe({ conversationId: busy.conversationId, afterSeq: 0n, endAfterLiveRuns: true }),
    );
    const seqs = all.filter((e) => e.seq > 0n).map((e) => Number(e.seq));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(all.filter((e) => TERMINAL.includes(e.kind.case ?? "")).map((e) => e.runId)).toEqual([busy.runId, runId]);
  });

  it("without queue, B refuses and leaves A's conversation log untouched (no gap, no seq of its own)", async () => {
    const c = await cluster.use(2);
    const [a, b] = c.chats as [Chat, Chat];
    const busy = await busyOnA(c, 800);
    const err = await b.sendMessage({ chat: { text: "now", conversationId: busy.conversationId } }).then(
      () => undefined,
      (e: unknown) => ConnectError.from(e),
    );
    expect(err?.code).toBe(Code.FailedPrecondition);
    expect(err?.rawMessage).toContain("queue=true");
    const all = await collect(
      a.subscribe({ conversationId: busy.conversationId, afterSeq: 0n, endAfterLiveRuns: true }),
    );
    expect(all.at(-1)).toMatchObject({ runId: busy.runId, kind: { case: "complete" } });
    // What B stored, if anything, is in the table even where A's subscribers do not look.
    const stored = await c.servers[0]!.app.database.db.selectFrom("events")
      .select(["seq", "run_id", "kind"])
      .where("conversation_id", "=", busy.conversationId)
      .orderBy("seq")
      .execute();
    expect(stored.filter((e) => e.kind === "gap")).toEqual([]);
    expect(new Set(stored.map((e) => e.run_id))).toEqual(new Set([busy.runId]));
    expect(stored.map((e) => Number(e.seq))).toEqual(stored.map((_, i) => i + 1));
  });

  it("a human reply sent to B reaches the agent whose main conversation runs on A", async () => {
    const c = await cluster.use(2);
    const [appA, appB] = [c.servers[0]!.app, c.servers[1]!.app];
    c.fake.enqueue(reply.stall(["thinking "], 1200), reply.text("thanks for the answer"));
    const sent = await messages(c.servers[0]!.url).sendToAgent({ agentId: "default", message: { content: "start" } });
    const firstRun = sent.receipt!.runId;
    await until(async () => appA.runs.find(firstRun) !== undefined, "the agent's run on A");
    const answer = await messages(c.servers[1]!.url).humanReply({
      agentId: "default",
      message: { content: "the answer is 42" },
    });
    const runId = answer.receipt!.runId;
    expect(runId).not.toBe("");
    await until(async () => (await appA.runRecords.byId(runId))?.status === "completed", "the reply's run to end");
    const [first, reply2] = [await appA.runRecords.byId(firstRun), await appA.runRecords.byId(runId)];
    // One main conversation, though B resolved it: the reply ran there, on A, after the first run.
    expect(reply2!.conversation_id).toBe(first!.conversation_id);
    expect(reply2!.adopted_by).toBe(appA.cluster.instanceId);
    expect(appB.runs.find(runId)).toBeUndefined();
    expect(lastUser(c.fake.requests.at(-1)!)).toContain("the answer is 42");
    expect(JSON.stringify(c.fake.requests.at(-1)!.messages)).toContain("thinking ");
  });

  it("the instance taking over a dead one's conversation runs its queued run instead of dropping it", async () => {
    const c = await cluster.use(2, { env: { FLOE_LEASE_MS: "300" } });
    const [, b] = c.chats as [Chat, Chat];
    const app = c.servers[1]!.app;
    const db = app.database.db;
    const { id: conversationId } = await app.conversations.create("orphan", "default", "");
    const dead = "another-host-4242-abcdef";
    const at = (ms: number) => new Date(Date.now() - ms).toISOString();
    const chat = create(ChatRequestSchema, { text: "queued before the crash", conversationId, queue: true });
    const row = (id: string, status: string, createdAt: string, request: string) => ({
      id,
      conversation_id: conversationId,
      agent_id: "default",
      request_id: "",
      request_hash: "",
      status,
      result: "",
      created_at: createdAt,
      ended_at: "",
      message: status === "queued" ? JSON.stringify({ role: "user", content: chat.text, agentId: "default" }) : "",
      request,
      adopted_by: dead,
    });
    // What an instance on another host leaves when it dies: its running run, one queued behind it, its lease.
    await db
      .insertInto("runs")
      .values([
        row("running-of-the-dead", "running", at(2000), ""),
        row("queued-of-the-dead", "queued", at(1000), encodeQueuedRequest(chat, {})),
      ])
      .execute();
    await db
      .insertInto("run_leases")
      .values({ conversation_id: conversationId, run_id: "running-of-the-dead", owner: dead, expires_at: at(1000) })
      .execute();
    c.fake.enqueue(reply.text("done after all"));
    const events: Event[] = [];
    for await (const r of b.subscribe({ conversationId, afterSeq: 0n })) {
      if (!r.event || r.event.seq === 0n) continue;
      events.push(r.event);
      if (r.event.runId === "queued-of-the-dead" && TERMINAL.includes(r.event.kind.case ?? "")) break;
    }
    const ends = events.filter((e) => TERMINAL.includes(e.kind.case ?? ""));
    expect(ends.map((e) => [e.runId, e.kind.case])).toEqual([
      ["running-of-the-dead", "error"],
      ["queued-of-the-dead", "complete"],
    ]);
    expect(lastUser(c.fake.requests.at(-1)!)).toBe("queued before the crash");
    const history = await app.conversations.all(conversationId);
    expect(history.map((m) => m.content)).toEqual(["queued before the crash", "done after all"]);
  });

  it("a forwarded run that cannot start where its conversation runs ends there with one error, and B answers it", async () => {
    const c = await cluster.use(2);
    const [, b] = c.chats as [Chat, Chat];
    const busy = await busyOnA(c, 1200);
    // Paused as A sees it, and B has not heard yet (the pause is stored, and only A read it again), so B
    // accepts the message and hands it to A.
    const db = c.servers[0]!.app.database.db;
    await db.updateTable("agents").set({ paused: 1 }).where("id", "=", "default").execute();
    await c.servers[0]!.app.agents.refresh("default");
    expect(c.servers[1]!.app.agents.get("default")?.paused).toBe(false);
    const answer = await b
      .sendMessage({ chat: { text: "while paused", conversationId: busy.conversationId, queue: true } })
      .then(
        (r) => r.status,
        (e: unknown) => ConnectError.from(e).rawMessage,
      );
    expect(answer).toContain("paused");
    const events = await c.servers[0]!.app.database.db.selectFrom("events")
      .select(["run_id", "kind"])
      .where("conversation_id", "=", busy.conversationId)
      .execute();
    const ends = events.filter((e) => TERMINAL.includes(e.kind));
    expect(ends.filter((e) => e.run_id !== busy.runId).map((e) => e.kind)).toEqual(["error"]);
    expect(c.fake.requests.filter((q) => JSON.stringify(q.messages).includes("while paused"))).toHaveLength(0);
  });

  it("a chat sent to B just after A's run ended waits for A to let go, rather than being refused", async () => {
    const c = await cluster.use(2);
    const [a, b] = c.chats as [Chat, Chat];
    const first = heldReply("first, on A");
    c.fake.enqueue(first.reply, reply.text("second, on B"));
    const it = a.streamMessage({ chat: { text: "first" } })[Symbol.asyncIterator]();
    const { runId, conversationId } = (await it.next()).value!.event!;
    // A cannot record its run's result while the row is held: its terminal event is out, its lease still held.
    const row = await lockRunRow(c.env.databaseUrl, runId);
    first.go();
    for (let r = await it.next(); !r.done; r = await it.next());
    const second = b.sendMessage({ chat: { text: "second", conversationId } });
    await new Promise((r) => setTimeout(r, 300));
    await row.release();
    expect(await second).toMatchObject({ status: "completed", response: "second, on B" });
  });
});
