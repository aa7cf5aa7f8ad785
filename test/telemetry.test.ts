import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { type TelemetrySummary, TelemetryService } from "../gen/floe/v1/telemetry_pb.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { connectWs } from "./support/ws-client.js";
import { restCall } from "./support/rest.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("telemetry: GET /api/v1/telemetry, WS /api/v1/ws/telemetry and TelemetryService", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  const call = (method: string, path: string, body?: unknown) => restCall(c.server.url, method, path, body);
  const telemetry = () =>
    createClient(TelemetryService, createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }));
  const socket = async (query: string) => {
    const s = await connectWs(`${c.server.url.replace("http", "ws")}/api/v1/ws/telemetry${query}`);
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      s.ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    return { ...s, closed };
  };

  /**
   * A known history: two chats with `default` (11+7 tokens each), one run of
   * `b` (5+3), one run of `b` that fails (no tokens, no task), and two
   * messages from `b` to the human.
   */
  const knownActivity = async () => {
    expect((await call("POST", "/api/v1/agents", { id: "b", system_prompt: "You are b." })).status).toBe(200);
    c.fake.enqueue(
      reply.text("first", { usage: [11, 7] }),
      reply.text("second", { usage: [11, 7] }),
      reply.text("from b", { usage: [5, 3] }),
      reply.httpError(400, "bad request upstream"),
    );
    await c.chat.sendMessage({ chat: { text: "one" } });
    await c.chat.sendMessage({ chat: { text: "two" } });
    await c.chat.sendMessage({ chat: { text: "three", agentId: "b" } });
    await expect(c.chat.sendMessage({ chat: { text: "four", agentId: "b" } })).rejects.toThrow(/bad request upstream/);
    for (const content of ["b says hi", "b says bye"]) {
      expect((await call("POST", "/api/v1/messages/to-human", { agent_id: "b", content })).status).toBe(200);
    }
  };

  it("counts tokens in total and per agent, tasks completed and messages sent, from the runs and messages made", async () => {
    c = await createChatEnv();
    const empty = await call("GET", "/api/v1/telemetry");
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({
      agents: { default: { messages_sent: 0, tasks_completed: 0 } },
      tokens: { total: { prompt: 0, completion: 0 }, per_agent: {} },
      uptime_seconds: expect.any(Number),
    });

    await knownActivity();
    const res = await call("GET", "/api/v1/telemetry");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      agents: {
        default: { messages_sent: 0, tasks_completed: 2 },
        b: { messages_sent: 2, tasks_completed: 1 },
      },
      tokens: {
        total: { prompt: 27, completion: 17 },
        per_agent: { default: { prompt: 22, completion: 14 }, b: { prompt: 5, completion: 3 } },
      },
      uptime_seconds: expect.any(Number),
    });
    expect(Number.isInteger(res.body!.uptime_seconds)).toBe(true);
    expect(res.body!.uptime_seconds).toBeGreaterThanOrEqual(0);

    const onlyB = await call("GET", "/api/v1/telemetry?agent_id=b");
    expect(onlyB.body).toEqual({
      agents: { b: { messages_sent: 2, tasks_completed: 1 } },
      tokens: { total: { prompt: 5, completion: 3 }, per_agent: { b: { prompt: 5, completion: 3 } } },
      uptime_seconds: expect.any(Number),
    });
    const onlyDefault = await call("GET", "/api/v1/telemetry?agent_id=default");
    expect(onlyDefault.body!.tokens.total).toEqual({ prompt: 22, completion: 14 });
    expect(Object.keys(onlyDefault.body!.agents)).toEqual(["default"]);
  });

  it("answers the same summary through TelemetryService.GetTelemetry", async () => {
    c = await createChatEnv();
    await knownActivity();
    const { telemetry: t } = await telemetry().getTelemetry({});
    expect(t?.tokens?.total).toMatchObject({ prompt: 27n, completion: 17n });
    expect(t?.tokens?.perAgent.default).toMatchObject({ prompt: 22n, completion: 14n });
    expect(t?.tokens?.perAgent.b).toMatchObject({ prompt: 5n, completion: 3n });
    expect(t?.agents.default).toMatchObject({ messagesSent: 0n, tasksCompleted: 2n });
    expect(t?.agents.b).toMatchObject({ messagesSent: 2n, tasksCompleted: 1n });
    expect(t!.uptimeSeconds >= 0n).toBe(true);
    const b = (await telemetry().getTelemetry({ agentId: "b" })).telemetry!;
    expect(Object.keys(b.agents)).toEqual(["b"]);
    expect(b.tokens?.total).toMatchObject({ prompt: 5n, completion: 3n });
  });

  it("streams updates with WatchTelemetry at the interval asked, and refuses an interval out of range", async () => {
    c = await createChatEnv();
    expect((await call("POST", "/api/v1/agents", { id: "b", system_prompt: "You are b." })).status).toBe(200);
    const ac = new AbortController();
    const updates: { at: number; t: TelemetrySummary }[] = [];
    const reading = (async () => {
      try {
        for await (const r of telemetry().watchTelemetry({ agentId: "b", interval: 0.2 }, { signal: ac.signal }))
          updates.push({ at: performance.now(), t: r.telemetry! });
      } catch (e) {
        if (ConnectError.from(e).code !== Code.Canceled) throw e;
      }
    })();
    const t0 = Date.now();
    while (updates.length < 1 && Date.now() - t0 < 3000) await sleep(10);
    expect(updates[0]!.t.agents.b?.messagesSent).toBe(0n);
    await call("POST", "/api/v1/messages/to-human", { agent_id: "b", content: "counted" });
    while (!updates.some((u) => u.t.agents.b?.messagesSent === 1n) && Date.now() - t0 < 3000) await sleep(10);
    ac.abort();
    await reading;
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.at(-1)!.t.agents.b?.messagesSent).toBe(1n);
    expect(Object.keys(updates[0]!.t.agents)).toEqual(["b"]);
    // At the interval: 0.2 s apart (timers may fire a little early or late).
    for (let i = 1; i < updates.length; i++) expect(updates[i]!.at - updates[i - 1]!.at).toBeGreaterThan(150);
    expect(Date.now() - t0).toBeLessThan(2000);

    for (const interval of [0.05, 4000, -1]) {
      const err = await (async () => {
        try {
          for await (const _ of telemetry().watchTelemetry({ interval })) return undefined;
        } catch (e) {
          return ConnectError.from(e);
        }
        return undefined;
      })();
      expect([interval, err?.code]).toEqual([interval, Code.InvalidArgument]);
      expect(err?.rawMessage).toBe(`interval must be between 0.1 and 3600 seconds, got ${interval}`);
    }
  });

  it("streams telemetry frames on WS /api/v1/ws/telemetry, and refuses a bad interval with an error frame and 1008", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("hello", { usage: [11, 7] }));
    await c.chat.sendMessage({ chat: { text: "one" } });
    const s = await socket("?interval=0.2");
    await s.until((f) => f.length >= 3, 3000);
    for (const f of s.frames) expect(f.event).toBe("telemetry");
    expect(s.frames[0]!.data).toEqual({
      agents: { default: { messages_sent: 0, tasks_completed: 1 } },
      tokens: { total: { prompt: 11, completion: 7 }, per_agent: { default: { prompt: 11, completion: 7 } } },
      uptime_seconds: expect.any(Number),
    });
    expect(s.frames[2]!.at - s.frames[0]!.at).toBeGreaterThan(300);
    s.ws.close();

    const filtered = await socket("?interval=0.2&agent_id=nobody-yet");
    await filtered.until((f) => f.length >= 1);
    expect(filtered.frames[0]!.data).toMatchObject({
      agents: {},
      tokens: { total: { prompt: 0, completion: 0 }, per_agent: {} },
    });
    filtered.ws.close();

    // Default interval: 2 s, so one frame now and none in the next second.
    const slow = await socket("");
    await slow.until((f) => f.length >= 1);
    await sleep(1000);
    expect(slow.frames).toHaveLength(1);
    slow.ws.close();

    for (const [q, message] of [
      ["?interval=0.01", "interval must be between 0.1 and 3600 seconds, got 0.01"],
      ["?interval=7200", "interval must be between 0.1 and 3600 seconds, got 7200"],
      ["?interval=abc", 'interval must be a number of seconds, got "abc"'],
      ["?interval=0", "interval must be between 0.1 and 3600 seconds, got 0"],
    ] as const) {
      const bad = await socket(q);
      const closed = await bad.closed;
      expect([q, closed.code]).toEqual([q, 1008]);
      expect(bad.frames.map((f) => [f.event, f.data])).toEqual([["error", { message }]]);
    }
  });
});
