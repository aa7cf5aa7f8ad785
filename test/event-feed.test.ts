import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { MessageService, type SubscribeEventsResponse } from "../gen/floe/v1/message_pb.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { connectWs, type Frame } from "./support/ws-client.js";
import { restCall, until } from "./support/rest.js";

type Body = Record<string, any>;
type FeedFrame = Frame & { cursor?: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const isNoise = (f: { event: string }) => f.event === "heartbeat" || f.event === "snapshot";
/** Frames of stored feed events (those with a cursor). */
const storedOf = (frames: FeedFrame[]) => frames.filter((f) => f.cursor !== undefined);

/** A short label per feed frame, for comparing which events a filter let through. */
function label(f: FeedFrame): string {
  switch (f.event) {
    case "bus.message":
      return `bus:${f.data.sender}>${f.data.recipient}`;
    case "human_message":
      return `human:${f.data.sender}`;
    case "message":
      return `message:${f.data.role}`;
    case "stream_chunk":
      return "chunk";
    default:
      return f.event;
  }
}
const labels = (frames: FeedFrame[]) => [...new Set(frames.filter((f) => !isNoise(f)).map(label))].sort();

describe("the event feed: WS /api/v1/events/ws, /api/v1/ws/messages and MessageService.SubscribeEvents", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  const call = (method: string, path: string, body?: unknown) => restCall(c.server.url, method, path, body);
  const messages = () =>
    createClient(MessageService, createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }));
  /** A feed socket that also records how it closed. */
  const feed = async (query = "", path = "/api/v1/events/ws") => {
    const s = await connectWs(`${c.server.url.replace("http", "ws")}${path}${query ? `?${query}` : ""}`);
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      s.ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    return { ...s, frames: s.frames as FeedFrame[], closed };
  };
  const toHuman = async (sender: string, content: string, extra: Body = {}) => {
    const r = await call("POST", "/api/v1/messages/to-human", { sender, content, ...extra });
    expect(r.status).toBe(200);
    return r.body!;
  };
  const answered = (agentId: string, count = 1) =>
    until(async () => {
      const h = await call("GET", `/api/v1/agents/${agentId}/history`);
      return (
        (h.body?.messages ?? []).filter((m: Body) => m.role === "assistant" && !m.tool_calls?.length).length >= count
      );
    }, `${count} answer(s) of ${agentId}`);

  it("opens with a snapshot frame (latest cursor, live runs, message count), then stored events with cursors", async () => {
    c = await createChatEnv();
    await call("POST", "/api/v1/agents", { id: "worker", system_prompt: "You are worker." });
    const a = await feed();
    await a.until((f) => f.length >= 1);
    expect(a.frames[0]).toMatchObject({
      event: "snapshot",
      data: { latest_cursor: 0, active_runs: [], message_count: 0 },
    });
    expect(a.frames[0]!.cursor).toBeUndefined();
    await toHuman("worker", "hello");
    await a.until((f) => f.some((x) => x.event === "human_message"));
    expect(storedOf(a.frames).map((f) => [f.event, f.cursor])).toEqual([
      ["bus.message", 1],
      ["human_message", 2],
    ]);

    // A run in progress is listed in a new subscriber's snapshot.
    c.fake.enqueue(reply.stall(["thinking"], 600));
    const sent = await call("POST", "/api/v1/messages/to-agent", { agent_id: "worker", content: "slow one" });
    await until(() => c.fake.requests.length === 1, "the model call");
    const b = await feed();
    await b.until((f) => f.length >= 1);
    expect(b.frames[0]!.event).toBe("snapshot");
    expect(b.frames[0]!.data.active_runs).toEqual([
      { run_id: sent.body!.run_id, agent_id: "worker", started_at: expect.any(String) },
    ]);
    expect(b.frames[0]!.data.latest_cursor).toBeGreaterThanOrEqual(3);
    await answered("worker");
    const d = await feed();
    await d.until((f) => f.length >= 1);
    expect(d.frames[0]!.data).toMatchObject({ active_runs: [], message_count: 2 });
    for (const s of [a, b, d]) s.ws.close();
  });

  it("applies each filter: agent_id, message_type, channel, include_ui, include_bus; unknown agents and channels match nothing", async () => {
    c = await createChatEnv();
    await call("POST", "/api/v1/agents", { id: "worker", system_prompt: "You are worker." });
    await call("POST", "/api/v1/agents", { id: "scout", system_prompt: "You are scout." });
    c.fake.respond(() => reply.text("done and dusted", { chunkSize: 3 }));
    const queries = [
      "",
      "agent_id=worker",
      "agent_id=scout",
      "agent_id=human",
      "message_type=status",
      "message_type=message",
      "channel=ops",
      "channel=review",
      "include_ui=false",
      "include_bus=false",
      "agent_id=worker&include_bus=false",
      "agent_id=nobody",
      "channel=nowhere",
    ];
    const sockets = new Map<string, Awaited<ReturnType<typeof feed>>>();
    for (const q of queries) sockets.set(q, await feed(q));
    const alias = await feed("", "/api/v1/ws/messages");
    const aliasFiltered = await feed("include_ui=false", "/api/v1/ws/messages");
    for (const s of [...sockets.values(), alias, aliasFiltered]) await s.until((f) => f[0]?.event === "snapshot");

    // The mix: a status to the human on "review", a message to worker on "ops" (a run), a message from scout.
    await toHuman("worker", "need review", { message_type: "status", channel: "review" });
    const r = await call("POST", "/api/v1/messages/to-agent", { agent_id: "worker", content: "go", channel: "ops" });
    expect(r.status).toBe(200);
    await answered("worker");
    await toHuman("scout", "scouted");
    const all = sockets.get("")!;
    await all.until((f) => f.filter((x) => x.event === "human_message").length === 2);
    await all.until((f) => f.some((x) => x.event === "message" && x.data.role === "assistant"));
    await alias.until((f) => f.filter((x) => x.event === "human_message").length === 2);
    await sleep(300); // stragglers a filter should have held back

    const everything = [
      "bus:human>worker",
      "bus:scout>human",
      "bus:worker>human",
      "chunk",
      "human:scout",
      "human:worker",
      "message:assistant",
      "message:user",
    ];
    const expected: Record<string, string[]> = {
      "": everything,
      "agent_id=worker": [
        "bus:human>worker",
        "bus:worker>human",
        "chunk",
        "human:worker",
        "message:assistant",
        "message:user",
      ],
      "agent_id=scout": ["bus:scout>human", "human:scout"],
      "agent_id=human": ["bus:human>worker", "bus:scout>human", "bus:worker>human", "human:scout", "human:worker"],
      "message_type=status": ["bus:worker>human", "human:worker"],
      "channel=ops": ["bus:human>worker", "chunk", "message:assistant", "message:user"],
      "channel=review": ["bus:worker>human", "human:worker"],
      "include_ui=false": ["bus:human>worker", "bus:scout>human", "bus:worker>human"],
      "include_bus=false": ["chunk", "human:scout", "human:worker", "message:assistant", "message:user"],
      "agent_id=worker&include_bus=false": ["chunk", "human:worker", "message:assistant", "message:user"],
      "agent_id=nobody": [],
      "channel=nowhere": [],
    };
    for (const [q, want] of Object.entries(expected)) expect([q, labels(sockets.get(q)!.frames)]).toEqual([q, want]);
    // Stream chunks carry no message type: only the stored events are compared for message_type=message.
    expect(labels(storedOf(sockets.get("message_type=message")!.frames))).toEqual([
      "bus:human>worker",
      "bus:scout>human",
      "human:scout",
      "message:assistant",
      "message:user",
    ]);
    expect(labels(alias.frames)).toEqual(everything);
    expect(labels(aliasFiltered.frames)).toEqual(expected["include_ui=false"]);

    // Frame shapes: the run's messages say where they come from; the alias sends the same frames.
    const user = all.frames.find((f) => f.event === "message" && f.data.role === "user")!;
    expect(user.data).toMatchObject({
      role: "user",
      content: "Message from the human on channel ops:\ngo",
      channel: "ops",
      message_type: "message",
      agent_id: "worker",
      run_id: r.body!.run_id,
      conversation_id: expect.any(String),
    });
    const answer = all.frames.find((f) => f.event === "message" && f.data.role === "assistant")!;
    expect(answer.data).toMatchObject({ content: "done and dusted", channel: "ops", run_id: r.body!.run_id });
    const chunks = all.frames.filter((f) => f.event === "stream_chunk");
    expect(chunks.map((f) => f.data.token).join("")).toBe("done and dusted");
    expect(chunks.every((f) => f.cursor === undefined && f.data.run_id === r.body!.run_id)).toBe(true);
    expect(storedOf(alias.frames).map((f) => [f.event, f.cursor])).toEqual(
      storedOf(all.frames).map((f) => [f.event, f.cursor]),
    );
    // Cursors of stored events increase by one on the unfiltered feed.
    const cursors = storedOf(all.frames).map((f) => f.cursor!);
    expect(cursors).toEqual(cursors.map((_, i) => cursors[0]! + i));
    for (const s of [...sockets.values(), alias, aliasFiltered]) s.ws.close();
  });

  it("publishes a run's messages as they are stored: the woken agent's message keeps its channel and message type", async () => {
    c = await createChatEnv();
    await call("POST", "/api/v1/agents", { id: "worker", system_prompt: "You are worker." });
    c.fake.enqueue(reply.text("on it"));
    const all = await feed("agent_id=worker");
    const actions = await feed("message_type=action");
    for (const s of [all, actions]) await s.until((f) => f[0]?.event === "snapshot");
    const r = await call("POST", "/api/v1/messages/to-agent", {
      agent_id: "worker",
      content: "restart the service",
      message_type: "action",
      channel: "ops",
    });
    expect(r.status).toBe(200);
    await answered("worker");
    await all.until((f) => f.some((x) => x.event === "message" && x.data.role === "assistant"));
    const history = (await call("GET", "/api/v1/agents/worker/history?include_system=false")).body!.messages as Body[];
    const stored = history.map((m) => ({ role: m.role, content: m.content, channel: m.channel, type: m.message_type }));
    expect(stored[0]).toEqual({
      role: "user",
      content: "action message from the human on channel ops:\nrestart the service",
      channel: "ops",
      type: "action",
    });
    const published = all.frames
      .filter((f) => f.event === "message")
      .map((f) => ({ role: f.data.role, content: f.data.content, channel: f.data.channel, type: f.data.message_type }));
    // The feed's `message` events are the stored messages (MessageEvent.message is "the stored message"):
    // the user message with its message type, and the answer with the same channel in both places.
    expect.soft(published[0]).toEqual(stored[0]);
    expect.soft(published[1]!.content).toBe("on it");
    expect
      .soft(published[1]!.channel, "the answer's channel: on the feed, and in the stored message")
      .toBe(stored[1]!.channel);
    // So a message_type filter finds the run's message along with the bus message that caused it.
    await sleep(200);
    expect(labels(storedOf(actions.frames))).toEqual(["bus:human>worker", "message:user"]);
    all.ws.close();
    actions.ws.close();
  });

  it("resumes with after_cursor: exactly the later stored events, in order, then live, without duplicates", async () => {
    c = await createChatEnv();
    const first = await feed();
    await first.until((f) => f[0]?.event === "snapshot");
    for (let i = 1; i <= 3; i++) await toHuman("default", `before ${i}`);
    await first.until((f) => f.filter((x) => x.event === "human_message").length === 3);
    const seen = storedOf(first.frames)[3]!; // the second message's human_message
    expect(seen).toMatchObject({ event: "human_message", cursor: 4, data: { content: "before 2" } });
    first.ws.close();
    await first.closed;
    for (let i = 1; i <= 2; i++) await toHuman("default", `after ${i}`);

    const again = await feed(`after_cursor=${seen.cursor}`);
    await again.until((f) => storedOf(f).length === 6);
    expect(again.frames[0]).toMatchObject({ event: "snapshot", data: { latest_cursor: 10 } });
    expect(storedOf(again.frames).map((f) => [f.cursor, f.event, f.data.content])).toEqual([
      [5, "bus.message", "before 3"],
      [6, "human_message", "before 3"],
      [7, "bus.message", "after 1"],
      [8, "human_message", "after 1"],
      [9, "bus.message", "after 2"],
      [10, "human_message", "after 2"],
    ]);
    // Then live, continuing the same sequence.
    await toHuman("default", "live");
    await again.until((f) => storedOf(f).length === 8);
    await sleep(200);
    expect(storedOf(again.frames).map((f) => f.cursor)).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);

    // A filtered resume replays only what matches, and skips (but counts) the rest.
    const humanOnly = await feed(`after_cursor=${seen.cursor}&include_bus=false`);
    await humanOnly.until((f) => storedOf(f).length === 4);
    await sleep(200);
    expect(storedOf(humanOnly.frames).map((f) => [f.cursor, f.data.content])).toEqual([
      [6, "before 3"],
      [8, "after 1"],
      [10, "after 2"],
      [12, "live"],
    ]);
    again.ws.close();
    humanOnly.ws.close();
  });

  it("resumes while events are being published: the replay and the live feed meet without loss or repeats", async () => {
    c = await createChatEnv();
    for (let i = 0; i < 20; i++) await toHuman("default", `old ${i}`);
    const pub = messages();
    const N = 150;
    let k = 0;
    const publishing = Promise.all(
      [0, 1, 2].map(async () => {
        while (k < N) await pub.sendToHuman({ message: { sender: "default", content: `new ${k++}` } });
      }),
    );
    await until(() => k > 10, "publishing to start");
    const s = await feed("after_cursor=7");
    await publishing;
    const total = 2 * (20 + N);
    await s.until((f) => storedOf(f).at(-1)?.cursor === total, 10000);
    await sleep(200);
    expect(storedOf(s.frames).map((f) => f.cursor)).toEqual(Array.from({ length: total - 7 }, (_, i) => i + 8));
    s.ws.close();
  });

  it("sends a gap when the cursor is older than the retained feed, then what is kept", async () => {
    c = await createChatEnv({ env: { FLOE_EVENT_RETENTION: "50" } });
    const pub = messages();
    // The feed is pruned every 1000 events: 500 messages to the human make 1000.
    for (let i = 0; i < 500; i++) await pub.sendToHuman({ message: { sender: "default", content: `m${i}` } });
    const s = await feed("after_cursor=10&include_bus=false");
    await s.until((f) => storedOf(f).at(-1)?.cursor === 1000);
    const body = s.frames.filter((f) => !isNoise(f));
    expect(body[0]).toEqual({
      event: "gap",
      data: { after_cursor: 10, oldest_available_cursor: 951 },
      at: expect.any(Number),
    });
    expect(storedOf(body).map((f) => f.cursor)).toEqual(Array.from({ length: 25 }, (_, i) => 952 + 2 * i));
    // The stream goes on after such a gap.
    await toHuman("default", "after the gap");
    await s.until((f) => storedOf(f).at(-1)?.cursor === 1002);
    s.ws.close();
  });

  it("streams tokens as live-only stream_chunk frames, which a resume does not replay", async () => {
    c = await createChatEnv();
    await call("POST", "/api/v1/agents", { id: "worker", system_prompt: "You are worker." });
    c.fake.enqueue(reply.text("streamed answer", { chunkSize: 2, delayMs: 15 }));
    // A cursor to resume from later (0 would mean "live only").
    await toHuman("default", "before the run");
    const s = await feed("agent_id=worker");
    await s.until((f) => f[0]?.event === "snapshot");
    const start = s.frames[0]!.data.latest_cursor as number;
    expect(start).toBe(2);
    const r = await call("POST", "/api/v1/messages/to-agent", { agent_id: "worker", content: "stream it" });
    await s.until((f) => f.some((x) => x.event === "message" && x.data.role === "assistant"));
    const body = s.frames.filter((f) => !isNoise(f));
    const chunks = body.filter((f) => f.event === "stream_chunk");
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((f) => f.data.token).join("")).toBe("streamed answer");
    for (const f of chunks) {
      expect(f.cursor).toBeUndefined();
      expect(f.data).toMatchObject({ agent_id: "worker", run_id: r.body!.run_id, seq: expect.any(Number) });
    }
    // The chunks come between the run's user message and its answer.
    const order = body.map((f) => (f.event === "message" ? `message:${f.data.role}` : f.event));
    const firstChunk = order.indexOf("stream_chunk");
    expect(order.indexOf("message:user")).toBeLessThan(firstChunk);
    expect(order.lastIndexOf("stream_chunk")).toBeLessThan(order.indexOf("message:assistant"));

    const replay = await feed(`agent_id=worker&after_cursor=${start}`);
    await replay.until((f) => f.some((x) => x.event === "message" && x.data.role === "assistant"));
    await sleep(200);
    expect(replay.frames.some((f) => f.event === "stream_chunk")).toBe(false);
    expect(labels(replay.frames)).toEqual(["bus:human>worker", "message:assistant", "message:user"]);
    s.ws.close();
    replay.ws.close();
  });

  it("serves MessageService.SubscribeEvents over Connect: a snapshot first, then events with increasing cursors", async () => {
    c = await createChatEnv();
    const client = messages();
    const ac = new AbortController();
    const got: SubscribeEventsResponse[] = [];
    const reading = (async () => {
      try {
        for await (const r of client.subscribeEvents({ includeUi: false }, { signal: ac.signal })) got.push(r);
      } catch (e) {
        if (ConnectError.from(e).code !== Code.Canceled) throw e;
      }
    })();
    await until(() => got.length >= 1, "the snapshot");
    expect(got[0]!.type).toBe("snapshot");
    expect(got[0]!.cursor).toBe(0n);
    expect(got[0]!.event?.kind.case).toBe("snapshot");
    for (let i = 0; i < 3; i++) await client.sendToHuman({ message: { sender: "default", content: `c${i}` } });
    await until(() => got.filter((r) => r.type === "bus.message").length === 3, "three bus messages");
    const bus = got.filter((r) => r.type === "bus.message");
    expect(bus.map((r) => r.cursor)).toEqual([1n, 3n, 5n]);
    expect(bus.map((r) => r.event?.kind.case === "busMessage" && r.event.kind.value.content)).toEqual([
      "c0",
      "c1",
      "c2",
    ]);
    // include_ui=false: no human_message.
    expect(got.some((r) => r.type === "human_message")).toBe(false);
    ac.abort();
    await reading;

    // Resume over Connect from a cursor.
    const resumed: SubscribeEventsResponse[] = [];
    const ac2 = new AbortController();
    const reading2 = (async () => {
      try {
        for await (const r of client.subscribeEvents({ afterCursor: 2n }, { signal: ac2.signal })) resumed.push(r);
      } catch (e) {
        if (ConnectError.from(e).code !== Code.Canceled) throw e;
      }
    })();
    await until(() => resumed.filter((r) => r.cursor > 0n).length === 4, "the replay");
    expect(resumed[0]!.type).toBe("snapshot");
    expect(resumed.filter((r) => r.cursor > 0n).map((r) => [r.cursor, r.type])).toEqual([
      [3n, "bus.message"],
      [4n, "human_message"],
      [5n, "bus.message"],
      [6n, "human_message"],
    ]);
    ac2.abort();
    await reading2;
  });

  it("refuses a bad after_cursor or a bad boolean with an error frame and close 1008", async () => {
    c = await createChatEnv();
    for (const [q, message] of [
      ["after_cursor=abc", 'after_cursor must be a non-negative integer, got "abc"'],
      ["after_cursor=-3", 'after_cursor must be a non-negative integer, got "-3"'],
      ["include_ui=maybe", 'query parameter include_ui must be true or false, got "maybe"'],
      ["message_type=weird", 'message_type must be message, action or status, got "weird"'],
    ] as const) {
      const s = await feed(q);
      const closed = await s.closed;
      expect([q, closed.code]).toEqual([q, 1008]);
      expect(s.frames.map((f) => [f.event, f.data])).toEqual([["error", { message }]]);
    }
    // The alias refuses the same way.
    const alias = await feed("after_cursor=x1", "/api/v1/ws/messages");
    expect((await alias.closed).code).toBe(1008);
    expect(alias.frames[0]!.event).toBe("error");
  });

  it("refuses a negative after_cursor on Connect too, as the WebSocket does", async () => {
    c = await createChatEnv();
    const ac = new AbortController();
    const stream = messages().subscribeEvents({ afterCursor: -3n }, { signal: ac.signal });
    const err = await (async () => {
      try {
        for await (const r of stream) if (r.type === "snapshot") return undefined;
      } catch (e) {
        return ConnectError.from(e);
      }
      return undefined;
    })();
    ac.abort();
    expect(err?.code).toBe(Code.InvalidArgument);
  });

  it("drops a slow Connect subscriber with a gap and ends its stream, while a prompt one gets every event", async () => {
    c = await createChatEnv({ env: { FLOE_FEED_SUBSCRIBER_BUFFER: "20" } });
    const slowAbort = new AbortController();
    const slow = messages().subscribeEvents({}, { signal: slowAbort.signal })[Symbol.asyncIterator]();
    expect((await slow.next()).value?.type).toBe("snapshot");
    const fastAbort = new AbortController();
    const fast: string[] = [];
    let fastEnded = false;
    const reading = (async () => {
      try {
        for await (const r of messages().subscribeEvents({}, { signal: fastAbort.signal })) fast.push(r.type);
      } catch (e) {
        if (ConnectError.from(e).code !== Code.Canceled) throw e;
      }
      fastEnded = true;
    })();
    await until(() => fast[0] === "snapshot", "the prompt subscriber's snapshot");

    const N = 2000;
    const payload = "x".repeat(1000);
    const pub = messages();
    let k = 0;
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        while (k < N) await pub.sendToHuman({ message: { sender: "default", content: `${k++} ${payload}` } });
      }),
    );
    await until(() => fast.filter((t) => t === "human_message").length === N || fastEnded, "the prompt subscriber");
    expect(fastEnded).toBe(false);
    expect(fast.filter((t) => t === "human_message")).toHaveLength(N);
    expect(fast.filter((t) => t === "bus.message")).toHaveLength(N);
    expect(fast).not.toContain("gap");

    // Now the slow one reads: what it was sent, then a gap, then the end (not every event, then heartbeats).
    const slowTypes: string[] = [];
    let lastCursor = 0n;
    let gap: SubscribeEventsResponse | undefined;
    let ended = false;
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const r = await slow.next();
      if (r.done) {
        ended = true;
        break;
      }
      slowTypes.push(r.value.type);
      if (r.value.cursor > 0n) lastCursor = r.value.cursor;
      if (r.value.type === "gap") gap = r.value;
      // Caught up with nothing more to say: the server never dropped it.
      if (r.value.type === "heartbeat") break;
    }
    const summary = {
      received: slowTypes.filter((t) => t !== "heartbeat").length,
      last: slowTypes.at(-1),
      ended,
    };
    slowAbort.abort();
    fastAbort.abort();
    await reading;
    expect(summary).toMatchObject({ last: "gap", ended: true });
    expect(summary.received).toBeLessThan(2 * N);
    expect(gap?.event?.kind.case === "gap" && gap.event.kind.value.requestedAfterSeq).toBe(lastCursor);
  });

  it("closes a slow WebSocket subscriber (4008, fell behind) while a prompt one gets every event", async () => {
    c = await createChatEnv({ env: { FLOE_FEED_SUBSCRIBER_BUFFER: "20" } });
    const slow = await feed("include_ui=false");
    await slow.until((f) => f[0]?.event === "snapshot");
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const fast = await feed("include_ui=false");
    await fast.until((f) => f[0]?.event === "snapshot");

    const N = 2000;
    const payload = "y".repeat(4000);
    const pub = messages();
    let k = 0;
    await Promise.all(
      [0, 1, 2, 3].map(async () => {
        while (k < N) await pub.sendToHuman({ message: { sender: "default", content: `${k++} ${payload}` } });
      }),
    );
    await fast.until((f) => storedOf(f).length === N, 10000);
    expect(storedOf(fast.frames).map((f) => f.cursor)).toEqual(Array.from({ length: N }, (_, i) => 1 + 2 * i));
    expect(fast.frames.some((f) => f.event === "gap")).toBe(false);

    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const closed = await slow.closed;
    const got = storedOf(slow.frames);
    // The path that ran: the socket's unsent bytes passed 4 MiB, so the server closed it with 4008.
    expect({ code: closed.code, reason: closed.reason, gap: slow.frames.some((f) => f.event === "gap") }).toEqual({
      code: 4008,
      reason: "subscriber fell behind: reconnect with after_cursor",
      gap: false,
    });
    expect(got.length).toBeLessThan(N);
    expect(got.map((f) => f.cursor)).toEqual(Array.from({ length: got.length }, (_, i) => 1 + 2 * i));
    // It resumes from the last cursor it got, and gets exactly the rest.
    const back = await feed(`include_ui=false&after_cursor=${got.at(-1)!.cursor}`);
    await back.until((f) => storedOf(f).at(-1)?.cursor === 2 * N - 1, 10000);
    expect(storedOf(back.frames).map((f) => f.cursor)).toEqual(
      Array.from({ length: N - got.length }, (_, i) => got.at(-1)!.cursor! + 2 + 2 * i),
    );
    fast.ws.close();
    back.ws.close();
  });
});
