import { mkdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FloeAgentClient } from "../clients/agent-client.js";
import { createFloeNodeClient } from "../clients/node.js";
import { createFloeWebClient } from "../clients/web.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { startCutProxy } from "./support/cut-proxy.js";
import { reply } from "./support/fake-openai.js";
import { until } from "./support/rest.js";

const KEY = "client-key";

/** Every protocol each client speaks, and what the server must see on the wire for it. */
const VARIANTS: { name: string; make(url: string, apiKey?: string): FloeAgentClient; wire: RegExp; http: string }[] = [
  {
    name: "node, Connect over HTTP/2",
    make: (baseUrl, apiKey) => createFloeNodeClient({ baseUrl, apiKey }),
    wire: /^application\/(connect\+)?proto$/,
    http: "2.0",
  },
  {
    name: "node, Connect over HTTP/1.1",
    make: (baseUrl, apiKey) => createFloeNodeClient({ baseUrl, apiKey, httpVersion: "1.1" }),
    wire: /^application\/(connect\+)?proto$/,
    http: "1.1",
  },
  {
    name: "node, gRPC",
    make: (baseUrl, apiKey) => createFloeNodeClient({ baseUrl, apiKey, protocol: "grpc" }),
    wire: /^application\/grpc(\+proto)?$/,
    http: "2.0",
  },
  {
    name: "web (fetch), Connect JSON",
    make: (baseUrl, apiKey) => createFloeWebClient({ baseUrl, apiKey }),
    wire: /^application\/(connect\+)?json$/,
    http: "1.1",
  },
  {
    name: "web (fetch), gRPC-Web",
    make: (baseUrl, apiKey) => createFloeWebClient({ baseUrl, apiKey, protocol: "grpc-web" }),
    wire: /^application\/grpc-web(\+proto)?$/,
    http: "1.1",
  },
];

describe("the typed clients (floe/client and floe/client/web)", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());
  const seen: { type: string; http: string }[] = [];
  const start = () =>
    createChatEnv({
      env: { FLOE_API_KEYS: KEY },
      start: {
        configure: (f) =>
          void f.addHook("onRequest", async (req) => {
            seen.push({ type: String(req.headers["content-type"] ?? ""), http: req.raw.httpVersion });
          }),
      },
    });

  it.each(VARIANTS)(
    "$name: health, conversations, a streamed chat with onChunk, a task, and another service",
    async (v) => {
      c = await start();
      seen.length = 0;
      const floe = v.make(c.server.url, KEY);
      expect((await floe.health()).status).toBe("ok");
      const id = await floe.createConversation("typed");
      expect((await floe.listConversations()).map((x) => x.id)).toContain(id);
      c.fake.enqueue(reply.text("streamed answer", { delayMs: 5, chunkSize: 3, reasoning: "think" }));
      const chunks: [string, string][] = [];
      const res = await floe.chat("hello", {
        conversationId: id,
        includeReasoning: true,
        onChunk: (chunk, kind) => chunks.push([kind, chunk]),
      });
      expect(res).toMatchObject({ assistantResponse: "streamed answer", reasoning: "think", status: "completed" });
      expect(
        chunks
          .filter(([k]) => k === "assistant")
          .map(([, t]) => t)
          .join(""),
      ).toBe("streamed answer");
      expect(
        chunks
          .filter(([k]) => k === "reasoning")
          .map(([, t]) => t)
          .join(""),
      ).toBe("think");
      const history = await floe.getConversationHistory(id);
      expect(history.map((m) => m.content)).toEqual(["hello", "streamed answer"]);
      expect((await floe.services.models.listModels({})).models.length).toBeGreaterThan(0);
      c.fake.enqueue(reply.text("task done"));
      const task = await floe.runTask("summarize the project", { maxIterations: 2 });
      expect(task).toMatchObject({ status: "completed", response: "task done", iterations: 1 });
      // Every call went out in this variant's protocol and HTTP version.
      expect(seen.length).toBeGreaterThanOrEqual(7);
      for (const s of seen) {
        expect(s.type).toMatch(v.wire);
        expect(s.http).toBe(v.http);
      }
    },
  );

  it("refuses a client without the key, with Unauthenticated", async () => {
    c = await start();
    for (const v of VARIANTS) {
      await expect(v.make(c.server.url).listConversations(), v.name).rejects.toMatchObject({ code: 16 });
    }
  });

  it.each(VARIANTS)("$name: resumes after the connection is cut mid-stream", async (v) => {
    c = await start();
    const proxy = await startCutProxy(c.server.url);
    try {
      const floe = v.make(proxy.url, KEY);
      const text = "a long answer that arrives slowly, two characters at a time";
      c.fake.enqueue(reply.text(text, { delayMs: 15, chunkSize: 2 }));
      const tokens: string[] = [];
      const seqs: bigint[] = [];
      const resumes: bigint[] = [];
      let cut = 0;
      let cutAt = 0n;
      for await (const e of floe.streamChat("tell me", { onResume: (after) => resumes.push(after) })) {
        seqs.push(e.seq);
        if (e.type !== "token") continue;
        tokens.push(e.value.token);
        if (tokens.length === 3) {
          cutAt = e.seq;
          cut = proxy.cut();
        }
      }
      expect(cut).toBeGreaterThanOrEqual(1);
      expect(resumes).toHaveLength(1);
      // It resumed after the last event it had seen, not from the start.
      expect(resumes[0]).toBeGreaterThanOrEqual(cutAt);
      expect(tokens.join("")).toBe(text);
      // Strictly increasing: nothing repeated across the resume.
      expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
      expect(proxy.accepted()).toBeGreaterThanOrEqual(2);
    } finally {
      await proxy.close();
    }
  });

  it("cancels the run on the server through an AbortSignal", async () => {
    c = await start();
    const floe = createFloeNodeClient({ baseUrl: c.server.url, apiKey: KEY });
    c.fake.enqueue(reply.stall(["first "], 30_000));
    const abort = new AbortController();
    let conversationId = "";
    const reason = new Error("user pressed stop");
    await expect(
      (async () => {
        for await (const e of floe.streamChat("long job", { signal: abort.signal })) {
          conversationId = e.conversationId;
          if (e.type === "token") abort.abort(reason);
        }
      })(),
    ).rejects.toBe(reason);
    // The run ended cancelled on the server, and the model request was closed.
    const events = [];
    for await (const { event } of floe.services.chat.subscribe({ conversationId, endAfterLiveRuns: true }))
      if (event) events.push(event.kind.case);
    expect(events).toContain("cancelled");
    await until(() => c.fake.open() === 0, "the model request to close");
  });

  it("surfaces an approval as an event the caller answers", async () => {
    c = await start();
    const build = join(c.server.app.runtime.activeRoot, "build");
    mkdirSync(build);
    const floe = createFloeNodeClient({ baseUrl: c.server.url, apiKey: KEY });
    c.fake.enqueue(reply.toolCalls([{ name: "execute_command", args: { command: "rm -rf ./build" } }]));
    c.fake.enqueue(reply.text("cleaned"));
    const seen: string[] = [];
    const res = await floe.chat("clean the build", {
      onEvent: async (e) => {
        seen.push(e.type);
        if (e.type === "approvalRequired") {
          expect(e.value.toolName).toBe("execute_command");
          expect(existsSync(build)).toBe(true);
          await e.approve("once");
        }
      },
    });
    expect(res.assistantResponse).toBe("cleaned");
    expect(seen).toEqual(expect.arrayContaining(["approvalRequired", "approvalResolved", "toolComplete"]));
    expect(existsSync(build)).toBe(false);
  });
});
