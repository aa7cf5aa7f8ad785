import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import type { Event } from "../gen/floe/v1/events_pb.js";
import { PgClusterBus } from "../src/events/pg-cluster-bus.js";
import { kinds } from "./support/chat-env.js";
import { type ClusterEnv, createClusterEnv } from "./support/cluster-env.js";
import { reply } from "./support/fake-openai.js";

let c: ClusterEnv | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

/** Reads a stream until the terminal event of `runId` (heartbeats and other runs' events included). */
async function untilTerminal(
  stream: AsyncIterable<{ event?: Event }>,
  isRun: (runId: string) => boolean,
): Promise<Event[]> {
  const out: Event[] = [];
  for await (const r of stream) {
    if (!r.event) continue;
    out.push(r.event);
    const k = r.event.kind.case;
    if (isRun(r.event.runId) && (k === "complete" || k === "error" || k === "cancelled")) break;
  }
  return out;
}

const numbered = (events: Event[]) => events.filter((e) => e.seq > 0n);
const seqs = (events: Event[]) => numbered(events).map((e) => Number(e.seq));

describe("events across instances (Postgres)", () => {
  it("a subscriber on B receives, in seq order, every event of a run executing on A", async () => {
    c = await createClusterEnv(2);
    const [a, b] = c.chats as [NonNullable<ClusterEnv["chats"][0]>, NonNullable<ClusterEnv["chats"][0]>];
    c.fake.enqueue(reply.text("first"));
    const first = await a.sendMessage({ chat: { text: "hello" } });
    const conversationId = first.conversationId;
    c.fake.enqueue(reply.text("a slower answer streamed from instance A", { delayMs: 15, chunkSize: 3 }));
    const onA = a.streamMessage({ chat: { text: "again", conversationId } })[Symbol.asyncIterator]();
    const start = (await onA.next()).value!.event!;
    const remote = untilTerminal(b.subscribe({ conversationId, afterSeq: 0n }), (id) => id === start.runId);
    const local = untilTerminal(a.subscribe({ conversationId, afterSeq: 0n }), (id) => id === start.runId);
    for (let r = await onA.next(); !r.done; r = await onA.next());
    const [onB, onALocal] = await Promise.all([remote, local]);
    expect(kinds(onB)[0]).toBe("snapshot");
    // The same numbered events, in the same order, on both instances: no gap, no repeat.
    expect(seqs(onB)).toEqual(seqs(onALocal));
    const s = seqs(onB);
    expect(s).toEqual([...s].sort((x, y) => x - y));
    expect(new Set(s).size).toBe(s.length);
    expect(s[0]).toBe(1);
    expect(s.at(-1)).toBe(s.length);
    const last = onB.at(-1)!;
    expect(last.kind).toMatchObject({
      case: "complete",
      value: { response: "a slower answer streamed from instance A" },
    });
    // B read A's events from the table (the remote path); A served its own subscriber in process.
    expect(c.servers[1]!.app.events.remoteStats().reads).toBeGreaterThan(0);
    expect(c.servers[0]!.app.events.remoteStats().reads).toBe(0);
  });

  it("reads each new batch once per instance, however many subscribers follow it there", async () => {
    c = await createClusterEnv(2);
    const [a, b] = c.chats as [NonNullable<ClusterEnv["chats"][0]>, NonNullable<ClusterEnv["chats"][0]>];
    c.fake.enqueue(reply.text("fan out this answer to many subscribers", { delayMs: 15, chunkSize: 3 }));
    const onA = a.streamMessage({ chat: { text: "fan" } })[Symbol.asyncIterator]();
    const start = (await onA.next()).value!.event!;
    const conversationId = start.conversationId;
    const subscribers = Array.from({ length: 4 }, () =>
      untilTerminal(b.subscribe({ conversationId, afterSeq: 0n }), (id) => id === start.runId),
    );
    for (let r = await onA.next(); !r.done; r = await onA.next());
    const got = await Promise.all(subscribers);
    for (const events of got) expect(seqs(events)).toEqual(seqs(got[0]!));
    const { reads, news } = c.servers[1]!.app.events.remoteStats();
    // One read per news at most: four subscribers do not make four reads.
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThanOrEqual(news);
  });

  it("catches up from the table after the listening connection drops (missed notifications)", async () => {
    c = await createClusterEnv(2);
    const [a, b] = c.chats as [NonNullable<ClusterEnv["chats"][0]>, NonNullable<ClusterEnv["chats"][0]>];
    c.fake.enqueue(reply.text("streamed across a reconnect of the listener", { delayMs: 20, chunkSize: 3 }));
    const onA = a.streamMessage({ chat: { text: "reconnect" } })[Symbol.asyncIterator]();
    const start = (await onA.next()).value!.event!;
    const conversationId = start.conversationId;
    const remote = untilTerminal(b.subscribe({ conversationId, afterSeq: 0n }), (id) => id === start.runId);
    const bus = c.servers[1]!.app.cluster as PgClusterBus;
    const pid = await bus.listenerPid();
    const admin = new pg.Client({ connectionString: c.env.databaseUrl });
    await admin.connect();
    await admin.query("select pg_terminate_backend($1)", [pid]);
    await admin.end();
    for (let r = await onA.next(); !r.done; r = await onA.next());
    const events = await remote;
    const s = seqs(events);
    expect(s).toEqual(Array.from({ length: s.length }, (_, i) => i + 1));
    expect(events.at(-1)!.kind.case).toBe("complete");
    // A new listening connection, not the one that was ended, and a catch-up from the table after it.
    expect(await bus.listenerPid()).not.toBe(pid);
    expect(c.servers[1]!.app.events.remoteStats().resyncs).toBe(1);
  });

  it("resumes on B from the last seq seen after a dropped connection, with no lost or repeated event", async () => {
    c = await createClusterEnv(2);
    const [a, b] = c.chats as [NonNullable<ClusterEnv["chats"][0]>, NonNullable<ClusterEnv["chats"][0]>];
    c.fake.enqueue(reply.text("one two three four five six seven eight nine ten", { delayMs: 15, chunkSize: 2 }));
    const onA = a.streamMessage({ chat: { text: "count" } })[Symbol.asyncIterator]();
    const start = (await onA.next()).value!.event!;
    const conversationId = start.conversationId;
    // Follow on B for a few numbered events, then drop the connection.
    const seen: Event[] = [];
    const abort = new AbortController();
    try {
      for await (const r of b.subscribe({ conversationId, afterSeq: 0n }, { signal: abort.signal })) {
        if (r.event && r.event.seq > 0n) seen.push(r.event);
        if (seen.length >= 4) abort.abort();
      }
    } catch {
      // the abort
    }
    const resumed = await untilTerminal(
      b.subscribe({ conversationId, afterSeq: seen.at(-1)!.seq }),
      (id) => id === start.runId,
    );
    for (let r = await onA.next(); !r.done; r = await onA.next());
    const all = seqs(seen).concat(seqs(resumed));
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(resumed.at(-1)!.kind.case).toBe("complete");
  });

  it("numbers on with no gap when the next run of a conversation executes on the other instance", async () => {
    c = await createClusterEnv(2);
    const [a, b] = c.chats as [NonNullable<ClusterEnv["chats"][0]>, NonNullable<ClusterEnv["chats"][0]>];
    c.fake.enqueue(reply.text("answered by A"));
    const first = await a.sendMessage({ chat: { text: "on A" } });
    const conversationId = first.conversationId;
    // A subscriber on A keeps following while the next run executes on B.
    const onA = untilTerminal(a.subscribe({ conversationId, afterSeq: 0n }), (id) => id !== first.runId);
    c.fake.enqueue(reply.text("answered by B", { delayMs: 10 }));
    const second = await b.sendMessage({ chat: { text: "on B", conversationId } });
    const events = await onA;
    const s = seqs(events);
    expect(s).toEqual(Array.from({ length: s.length }, (_, i) => i + 1));
    expect(kinds(numbered(events))).not.toContain("gap");
    expect(events.at(-1)!.kind).toMatchObject({ case: "complete", value: { response: "answered by B" } });
    expect(events.at(-1)!.runId).toBe(second.runId);
    // Both instances wrote to the one feed: each message once, under distinct cursors (no cursor taken twice).
    const feed = await c.servers[1]!.app.feed.readAfter(0, 100);
    const texts = feed.items.map((i) => (i.event.kind.case === "message" ? i.event.kind.value.message?.content : ""));
    expect(texts.sort()).toEqual(["answered by A", "answered by B", "on A", "on B"]);
    expect(new Set(feed.items.map((i) => i.cursor)).size).toBe(4);
  });
});
