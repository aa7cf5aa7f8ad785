import { describe, expect, it } from "vitest";
import { clusterPerTest } from "./support/cluster-env.js";
import { reply } from "./support/fake-openai.js";
import { restCall, until } from "./support/rest.js";
import { postSse as sse } from "./support/sse-client.js";
import { connectWs } from "./support/ws-client.js";

const cluster = clusterPerTest();

const ws = (url: string, path: string) => connectWs(`${url.replace("http", "ws")}${path}`);

describe("the JSON surfaces across instances (Postgres)", () => {
  it("the event feed WebSocket on B carries, live and in cursor order, what A stores", async () => {
    const c = await cluster.use(2);
    const [urlA, urlB] = c.servers.map((s) => s.url) as [string, string];
    const onB = await ws(urlB, "/api/v1/events/ws");
    const onA = await ws(urlA, "/api/v1/events/ws");
    await onB.until((f) => f.length >= 1);
    await onA.until((f) => f.length >= 1);
    // Interleaved writers: A and B each store items of the one feed.
    for (let i = 0; i < 3; i++) {
      const via = i % 2 === 0 ? urlA : urlB;
      const r = await restCall(via, "POST", "/api/v1/messages/to-human", { sender: "default", content: `note ${i}` });
      expect(r.status).toBe(200);
    }
    c.fake.enqueue(reply.text("answered on A"));
    expect((await restCall(urlA, "POST", "/api/v1/chat/message", { text: "hello" })).status).toBe(200);
    const wanted = (f: { event: string; data: Record<string, any> }[]) =>
      f.some((x) => x.event === "message" && JSON.stringify(x.data).includes("answered on A"));
    await onB.until(wanted);
    await onA.until(wanted);
    const stored = (f: typeof onB.frames) =>
      f.filter((x) => (x as { cursor?: number }).cursor).map((x) => [x.event, (x as { cursor?: number }).cursor]);
    // Both instances deliver the same items with the same cursors, in order.
    expect(stored(onB.frames)).toEqual(stored(onA.frames));
    const cursors = stored(onB.frames).map(([, cur]) => cur as number);
    expect(cursors).toEqual([...cursors].sort((x, y) => x - y));
    expect(onB.frames.filter((x) => x.event === "human_message").map((x) => x.data.content)).toEqual([
      "note 0",
      "note 1",
      "note 2",
    ]);
    // Read from the table on each instance: the path that orders several writers.
    expect(c.servers[1]!.app.feed.clusterRelay!.relayed).toBeGreaterThanOrEqual(cursors.length);
    onA.ws.close();
    onB.ws.close();
  });

  it("a Pawan SSE stream dropped on A resumes on B with Last-Event-ID, with every token once", async () => {
    const c = await cluster.use(2);
    const [urlA, urlB] = c.servers.map((s) => s.url) as [string, string];
    c.fake.enqueue(reply.text("one two three four five six seven eight nine ten", { chunkSize: 4, delayMs: 40 }));
    const first = await sse(
      `${urlA}/chat/stream`,
      { message: "count" },
      {},
      (e) => e.event === "token" && JSON.parse(e.data).content.includes("two"),
    );
    const tokens = (events: typeof first.events) =>
      events
        .filter((e) => e.event === "token")
        .map((e) => JSON.parse(e.data).content)
        .join("");
    const lastId = first.events.at(-1)!.id!;
    const sessionId = (await restCall(urlB, "GET", "/sessions")).body![0].id;
    const rest = await sse(`${urlB}/chat/stream`, { session_id: sessionId }, { "last-event-id": lastId });
    expect(tokens(first.events) + tokens(rest.events)).toBe("one two three four five six seven eight nine ten");
    expect(rest.events.at(-1)!.event).toBe("done");
    expect(c.servers[1]!.app.events.remoteStats().reads).toBeGreaterThan(0);
  });

  it("a Penguin chat WebSocket on B continues a conversation A ran, numbering on with no gap", async () => {
    const c = await cluster.use(2);
    const [urlA, urlB] = c.servers.map((s) => s.url) as [string, string];
    c.fake.enqueue(reply.text("first, on A"), reply.text("second, on B"));
    const a = await ws(urlA, "/api/v1/chat/stream");
    a.send({ text: "first" });
    await a.until((f) => f.some((x) => x.event === "complete"));
    const conversationId = a.frames[0]!.data.conversation_id as string;
    const b = await ws(urlB, "/api/v1/chat/stream");
    b.send({ text: "second", conversation_id: conversationId });
    await b.until((f) => f.some((x) => x.event === "complete" || x.event === "error")).catch(() => undefined);
    expect(b.frames.find((f) => f.event === "error")).toBeUndefined();
    expect(
      b.frames
        .filter((f) => f.event === "token")
        .map((f) => f.data.token)
        .join(""),
    ).toBe("second, on B");
    const db = c.servers[0]!.app.database.db;
    const stored = () =>
      db
        .selectFrom("events")
        .select(["seq", "kind"])
        .where("conversation_id", "=", conversationId)
        .orderBy("seq")
        .execute();
    await until(async () => (await stored()).filter((e) => e.kind === "complete").length === 2, "both runs stored");
    const events = await stored();
    expect(events.map((e) => Number(e.seq))).toEqual(events.map((_, i) => i + 1));
    a.ws.close();
    b.ws.close();
  });
});
