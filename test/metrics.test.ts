import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import parsePrometheusTextFormat, { type PromFamily } from "parse-prometheus-text-format";
import { afterEach, describe, expect, it } from "vitest";
import { ConversationService } from "../gen/floe/v1/conversation_pb.js";
import { type ChatEnv, collect, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";

async function scrape(url: string, headers: Record<string, string> = {}): Promise<PromFamily[]> {
  const res = await fetch(`${url}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusTextFormat(await res.text());
}

/** The value of one sample of a family, 0 when the sample is absent. */
function value(families: PromFamily[], name: string, labels: Record<string, string> = {}): number {
  const family = families.find((f) => f.name === name);
  expect(family, `metric ${name} is exported`).toBeDefined();
  const sample = family!.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return sample ? Number(sample.value) : 0;
}

describe("/metrics in Prometheus text format", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  it("counts requests by surface and code, runs by status, tokens, tool calls, streams and the event log", async () => {
    c = await createChatEnv();
    writeFileSync(join(c.server.config.workspace, "notes.txt"), "hello");
    c.fake.enqueue(
      reply.toolCalls([
        { name: "read_file", args: { path: "notes.txt" } },
        { name: "read_file", args: { path: "missing.txt" } },
      ]),
      reply.text("done", { usage: [40, 9] }),
    );
    const done = await c.chat.sendMessage({ chat: { text: "read notes" } });
    expect(done.status).toBe("completed");

    const grpc = createClient(ConversationService, createGrpcTransport({ baseUrl: c.server.url }));
    await expect(grpc.getConversation({ conversationId: "nope" })).rejects.toMatchObject({ code: Code.NotFound });
    await c.chat
      .cancelRun({ runId: "no-such-run" })
      .catch((e: unknown) => expect(ConnectError.from(e).code).toBe(Code.NotFound));
    expect((await fetch(`${c.server.url}/api/v1/conversations`)).status).toBe(200);
    expect((await fetch(`${c.server.url}/api/v1/agents/nobody`)).status).toBe(404);

    // A stream open while scraping is counted as active.
    const ac = new AbortController();
    const sub = c.chat.subscribe({ conversationId: done.conversationId }, { signal: ac.signal });
    const first = await sub[Symbol.asyncIterator]().next();
    expect(first.value?.event?.kind.case).toBe("snapshot");

    const m = await scrape(c.server.url);
    expect(value(m, "floe_requests_total", { surface: "connect", code: "ok" })).toBeGreaterThanOrEqual(1);
    expect(value(m, "floe_requests_total", { surface: "connect", code: "not_found" })).toBe(1);
    expect(value(m, "floe_requests_total", { surface: "grpc", code: "not_found" })).toBe(1);
    expect(value(m, "floe_requests_total", { surface: "penguin", code: "200" })).toBe(1);
    expect(value(m, "floe_requests_total", { surface: "penguin", code: "404" })).toBe(1);
    expect(value(m, "floe_active_streams", { surface: "connect" })).toBe(1);
    expect(value(m, "floe_runs_total", { status: "completed" })).toBe(1);
    expect(value(m, "floe_tokens_total", { kind: "prompt", agent: "default" })).toBe(13 + 40);
    expect(value(m, "floe_tokens_total", { kind: "completion", agent: "default" })).toBe(5 + 9);
    expect(value(m, "floe_tool_calls_total", { tool: "read_file", result: "success" })).toBe(1);
    expect(value(m, "floe_tool_calls_total", { tool: "read_file", result: "error" })).toBe(1);
    expect(value(m, "floe_runs_active")).toBe(0);
    expect(value(m, "floe_approvals_pending")).toBe(0);
    expect(value(m, "floe_event_log_lag_events")).toBeGreaterThanOrEqual(0);
    expect(m.some((f) => f.name === "floe_event_log_lag_seconds")).toBe(true);
    expect(m.some((f) => f.name === "floe_process_resident_memory_bytes")).toBe(true);

    ac.abort();
    await collect(sub).catch(() => undefined);
    await expect
      .poll(async () => value(await scrape(c.server.url), "floe_active_streams", { surface: "connect" }))
      .toBe(0);
  });

  it("needs an API key when keys are configured, and says how with WWW-Authenticate", async () => {
    c = await createChatEnv({ env: { FLOE_API_KEYS: "k1" } });
    const refused = await fetch(`${c.server.url}/metrics`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toBe('Bearer realm="floe"');
    expect(await refused.text()).not.toMatch(/floe_requests_total/);
    const families = await scrape(c.server.url, { authorization: "Bearer k1" });
    expect(value(families, "floe_requests_total", { surface: "other", code: "401" })).toBe(1);
  });
});
