import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { until } from "./support/rest.js";
import type { Event } from "../gen/floe/v1/events_pb.js";
import { collect } from "./support/chat-env.js";
import { type ClusterEnv, createClusterEnv } from "./support/cluster-env.js";
import { reply } from "./support/fake-openai.js";

let c: ClusterEnv | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

type Chat = NonNullable<ClusterEnv["chats"][0]>;
const TERMINAL = ["complete", "error", "cancelled"];
const terminals = (events: Event[]) => events.filter((e) => TERMINAL.includes(e.kind.case ?? ""));

describe("run ownership across instances (Postgres)", () => {
  it("starts one run when the same request_id reaches two instances at once", async () => {
    c = await createClusterEnv(2);
    const [a, b] = c.chats as [Chat, Chat];
    c.fake.respond(() => reply.text("answered once", { delayMs: 30 }));
    const chat = { text: "only once", requestId: "race-request-1" };
    const [ra, rb] = await Promise.all([a.sendMessage({ chat }), b.sendMessage({ chat })]);
    expect(rb.runId).toBe(ra.runId);
    expect(rb.conversationId).toBe(ra.conversationId);
    const db = c.servers[0]!.app.database.db;
    const rows = await db.selectFrom("runs").selectAll().where("request_id", "=", "race-request-1").execute();
    expect(rows).toHaveLength(1);
    const events = await collect(
      a.subscribe({ conversationId: ra.conversationId, afterSeq: 0n, endAfterLiveRuns: true }),
    );
    const stored = events.filter((e) => e.seq > 0n);
    expect(new Set(stored.map((e) => e.runId))).toEqual(new Set([ra.runId]));
    expect(terminals(stored)).toHaveLength(1);
    // No run of the loser's own conversation was left behind either.
    const conversations = await db.selectFrom("conversations").select("id").execute();
    const runs = await db.selectFrom("runs").select("conversation_id").execute();
    expect(runs.map((r) => r.conversation_id)).toEqual([ra.conversationId]);
    expect(conversations.map((r) => r.id)).toContain(ra.conversationId);
  });

  it("refuses a second run of one conversation started on another instance at the same time", async () => {
    c = await createClusterEnv(2);
    const [a, b] = c.chats as [Chat, Chat];
    c.fake.enqueue(reply.text("first"));
    const { conversationId } = await a.sendMessage({ chat: { text: "hello" } });
    c.fake.respond(() => reply.text("one of two", { delayMs: 40 }));
    const results = await Promise.allSettled([
      a.sendMessage({ chat: { text: "from A", conversationId } }),
      b.sendMessage({ chat: { text: "from B", conversationId } }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const err = ConnectError.from(lost[0]!.reason);
    expect(err.code).toBe(Code.FailedPrecondition);
    // Refused by the database lease, not by an in-process check (each instance had no run of its own).
    expect(err.rawMessage).toContain("on another instance");
    // The conversation is free again: the loser's instance takes the next run.
    const loser = results[0]!.status === "rejected" ? a : b;
    const next = await loser.sendMessage({ chat: { text: "now me", conversationId } });
    expect(next.status).toBe("completed");
  });

  it("a starting instance leaves runs alive on another instance alone", async () => {
    c = await createClusterEnv(2);
    const [a] = c.chats as [Chat, Chat];
    c.fake.enqueue(reply.stall(["working "], 60_000));
    const stream = a.streamMessage({ chat: { text: "long job" } });
    const it0 = stream[Symbol.asyncIterator]();
    const first = (await it0.next()).value!.event!;
    // A third instance starts (and recovers) while the run executes on A.
    const third = await c.env.start({ env: { FLOE_HEARTBEAT_MS: "200" } });
    expect(third.app.runs.all()).toEqual([]);
    const cancelled = await a.cancelRun({ runId: first.runId });
    expect(cancelled.cancelled).toBe(true);
    const rest: Event[] = [];
    for (let r = await it0.next(); !r.done; r = await it0.next()) if (r.value.event) rest.push(r.value.event);
    const ends = terminals(rest);
    expect(ends.map((e) => e.kind.case)).toEqual(["cancelled"]);
  });

  it("ends the run of an instance whose lease expired (another host), once, after a gap over its reserved seqs", async () => {
    c = await createClusterEnv(2, { env: { FLOE_LEASE_MS: "300" } });
    const [a, b] = c.chats as [Chat, Chat];
    const db = c.servers[0]!.app.database.db;
    // A conversation that an instance on another host ran: it reserved seqs 1..40 and died before writing any.
    const { id: conversationId } = await c.servers[0]!.app.conversations.create(
      "orphan",
      "default",
      "",
      undefined,
      undefined,
      40,
    );
    const latest = 0;
    // What an instance on another host leaves when it dies mid-run: its run, its lease, seqs it reserved.
    const at = new Date().toISOString();
    await db
      .insertInto("runs")
      .values({
        id: "run-of-the-dead",
        conversation_id: conversationId,
        agent_id: "default",
        request_id: "",
        request_hash: "",
        status: "running",
        result: "",
        message: "",
        created_at: at,
        ended_at: "",
        request: "",
        adopted_by: "",
      })
      .execute();
    await db
      .updateTable("conversations")
      .set({ reserved_seq: latest + 40 })
      .where("id", "=", conversationId)
      .execute();
    await db
      .insertInto("run_leases")
      .values({
        conversation_id: conversationId,
        run_id: "run-of-the-dead",
        owner: "another-host-4242-abcdef",
        expires_at: new Date(Date.now() - 1000).toISOString(),
      })
      .execute();
    const events: Event[] = [];
    for await (const r of b.subscribe({ conversationId, afterSeq: BigInt(latest) })) {
      if (!r.event || r.event.seq === 0n) continue;
      events.push(r.event);
      if (r.event.runId === "run-of-the-dead" && TERMINAL.includes(r.event.kind.case ?? "")) break;
    }
    expect(events.map((e) => e.kind.case)).toEqual(["gap", "error"]);
    expect(Number(events[1]!.seq)).toBeGreaterThan(latest + 40);
    expect(JSON.stringify(events[1]!.kind.value)).toContain("the instance running it stopped");
    // The run's row is ended right after its terminal event is published.
    const status = async () =>
      (await db.selectFrom("runs").select("status").where("id", "=", "run-of-the-dead").executeTakeFirstOrThrow())
        .status;
    await until(async () => (await status()) === "error", "the dead run's row to be ended");
    // The conversation is free again.
    c.fake.enqueue(reply.text("carrying on"));
    expect((await a.sendMessage({ chat: { text: "again", conversationId } })).response).toBe("carrying on");
  });
});
