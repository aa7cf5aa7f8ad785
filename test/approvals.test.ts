import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { type CompatEnv, createCompatEnv } from "./support/compat-env.js";
import { reply } from "./support/fake-openai.js";
import { until } from "./support/rest.js";
import { postSse } from "./support/sse-client.js";
import { connectWs, type Frame } from "./support/ws-client.js";

const RM = "rm -rf ./build";

/** Starts a run whose model calls `rm -rf ./build` over the Penguin WebSocket; resolves at approval_required. */
async function askingRun(c: CompatEnv, conversationId?: string) {
  c.fake.enqueue(reply.toolCalls([{ name: "execute_command", args: { command: RM } }]), reply.text("finished"));
  const ws = await connectWs(`${c.server.url.replace("http", "ws")}/api/v1/chat/stream`);
  ws.send({ text: "clean the build", ...(conversationId ? { conversation_id: conversationId } : {}) });
  await ws.until((f) => f.some((x) => x.event === "approval_required"));
  const required = ws.frames.find((x) => x.event === "approval_required")!;
  return { ws, required };
}
const frame = (frames: Frame[], event: string) => frames.find((f) => f.event === event);

describe("durable human approvals", () => {
  let c: CompatEnv;
  afterEach(async () => c?.cleanup());
  const build = () => join(c.server.app.runtime.activeRoot, "build");

  it("pauses a real run until approved on another connection, then lets it finish", async () => {
    c = await createCompatEnv();
    mkdirSync(build());
    const { ws, required } = await askingRun(c);
    expect(required.data).toMatchObject({
      request_id: expect.stringMatching(/^apr_/),
      tool_name: "execute_command",
      operation: "process.execute",
      resource: RM,
      reason: expect.stringMatching(/^Destructive command requires approval: rm -rf/),
      expires_at: expect.any(String),
    });
    // The run waits: nothing ran, and the request is listed (Penguin's shape) on another connection.
    expect(existsSync(build())).toBe(true);
    const list = await c.call("GET", "/api/v1/approvals");
    expect(list.body.pending).toEqual([
      {
        id: required.data.request_id,
        tool_name: "execute_command",
        operation: "process.execute",
        resource: RM,
        reason: required.data.reason,
        session_id: expect.any(String),
        created_at: expect.any(String),
        expires_at: required.data.expires_at,
      },
    ]);
    const approved = await c.call("POST", `/api/v1/approvals/${required.data.request_id}/approve`, { scope: "once" });
    expect(approved.body).toEqual({ status: "approved", request_id: required.data.request_id, scope: "once" });
    await ws.until((f) => f.some((x) => x.event === "complete"));
    expect(frame(ws.frames, "approval_resolved")!.data).toEqual({
      request_id: required.data.request_id,
      status: "approved",
      scope: "once",
    });
    expect(existsSync(build())).toBe(false);
    expect((await c.call("GET", "/api/v1/approvals")).body.pending).toEqual([]);
    // Decided once: a second answer is refused.
    const again = await c.call("POST", `/api/v1/approvals/${required.data.request_id}/deny`);
    expect(again.status).toBe(409);
    ws.ws.close();
  });

  it("a denial reaches the model as a tool error, and an expiry denies with its own reason", async () => {
    c = await createCompatEnv({ FLOE_APPROVAL_TIMEOUT_MS: "400" });
    mkdirSync(build());
    const first = await askingRun(c);
    const denied = await c.call("POST", `/api/v1/approvals/${first.required.data.request_id}/deny`, {
      reason: "not now",
    });
    expect(denied.body).toEqual({ status: "denied", request_id: first.required.data.request_id });
    await first.ws.until((f) => f.some((x) => x.event === "complete"));
    expect(frame(first.ws.frames, "approval_resolved")!.data).toMatchObject({ status: "denied" });
    const toolResult = c.fake.requests[1]!.messages.at(-1);
    expect(toolResult).toMatchObject({ role: "tool", content: "permission denied: denied by a human: not now" });

    const second = await askingRun(c);
    await second.ws.until((f) => f.some((x) => x.event === "complete"));
    expect(frame(second.ws.frames, "approval_resolved")!.data).toMatchObject({ status: "expired" });
    expect(c.fake.requests[3]!.messages.at(-1).content).toMatch(/approval request expired after 0s without an answer/);
    expect(existsSync(build())).toBe(true);
    first.ws.ws.close();
    second.ws.ws.close();
  });

  it("session scope and pre-approval let later calls through without asking; bad scopes are 400, unknown ids 404", async () => {
    c = await createCompatEnv();
    const first = await askingRun(c);
    const id = first.required.data.request_id;
    expect((await c.call("POST", `/api/v1/approvals/${id}/approve`, { scope: "forever" })).status).toBe(400);
    const noPattern = await c.call("POST", `/api/v1/approvals/${id}/approve`, { scope: "pattern" });
    expect(noPattern.status).toBe(400);
    expect(noPattern.body.detail).toMatch(/needs a pattern/);
    expect((await c.call("POST", "/api/v1/approvals/apr_nope/approve", { scope: "once" })).status).toBe(404);
    expect((await c.call("POST", `/api/v1/approvals/${id}/approve`, { scope: "session" })).status).toBe(200);
    await first.ws.until((f) => f.some((x) => x.event === "complete"));
    const conversationId = frame(first.ws.frames, "complete")!.data.conversation_id as string;

    // The same session: no second ask.
    c.fake.enqueue(reply.toolCalls([{ name: "execute_command", args: { command: RM } }]), reply.text("again"));
    const again = await c.call("POST", "/api/v1/chat/message", { text: "again", conversation_id: conversationId });
    expect(again.body.action_results[0]).toMatchObject({ action: "execute_command", status: "completed" });

    // Another session, pre-approved for this command (a pre-approval names its session).
    const fresh = (await c.call("POST", "/api/v1/conversations/create", { name: "fresh" })).body.id as string;
    expect(
      (await c.call("POST", "/api/v1/approvals/pre-approve", { operation: "process.execute", pattern: "x" })).status,
    ).toBe(422);
    const pre = await c.call("POST", "/api/v1/approvals/pre-approve", {
      operation: "process.execute",
      pattern: "rm -rf ./build*",
      session_id: fresh,
      ttl_seconds: 60,
    });
    expect(pre.body).toEqual({ status: "pre-approved", operation: "process.execute", pattern: "rm -rf ./build*" });
    c.fake.enqueue(reply.toolCalls([{ name: "execute_command", args: { command: RM } }]), reply.text("fresh"));
    const run2 = await c.call("POST", "/api/v1/chat/message", { text: "fresh session", conversation_id: fresh });
    expect(run2.body.action_results[0]).toMatchObject({ status: "completed" });
    const audit = await c.call("GET", "/api/v1/security/audit?limit=10&result=allow");
    expect(audit.body.entries.filter((e: { policy: string }) => e.policy === "approval-grant")).toHaveLength(2);
    first.ws.ws.close();
  });

  it("pattern scope lets matching calls of the session through, and still asks for the others", async () => {
    c = await createCompatEnv({ FLOE_APPROVAL_TIMEOUT_MS: "300" });
    const first = await askingRun(c);
    const id = first.required.data.request_id;
    const ok = await c.call("POST", `/api/v1/approvals/${id}/approve`, {
      scope: "pattern",
      pattern: "rm -rf ./build*",
    });
    expect(ok.body).toEqual({ status: "approved", request_id: id, scope: "pattern" });
    await first.ws.until((f) => f.some((x) => x.event === "complete"));
    const conversationId = frame(first.ws.frames, "complete")!.data.conversation_id as string;
    c.fake.enqueue(
      reply.toolCalls([
        { name: "execute_command", args: { command: "rm -rf ./build2" }, id: "a" },
        { name: "execute_command", args: { command: "rm -rf ./dist" }, id: "b" },
        { name: "execute_command", args: { command: "rm -rf ./build3 ./src; echo gone" }, id: "c" },
      ]),
      reply.text("done"),
    );
    const next = await c.call("POST", "/api/v1/chat/message", { text: "more", conversation_id: conversationId });
    // A chained command never matches a pattern grant, even when its first part does.
    expect(next.body.action_results.map((r: { status: string }) => r.status)).toEqual([
      "completed",
      "denied",
      "denied",
    ]);
    expect(next.body.action_results[1].result).toMatch(/expired/);
    first.ws.ws.close();
  });

  it("carries the approval events on Pawan's SSE stream, and lists pending requests in the legacy snapshots", async () => {
    c = await createCompatEnv();
    mkdirSync(build());
    c.fake.enqueue(reply.toolCalls([{ name: "execute_command", args: { command: RM } }]), reply.text("finished"));
    const stream = postSse(`${c.server.url}/chat/stream`, { message: "clean the build" });
    let id = "";
    await until(async () => {
      id = (await c.call("GET", "/api/v1/approvals")).body.pending[0]?.id ?? "";
      return id !== "";
    }, "a pending approval");
    // A Penguin resume and the event feed open with snapshots that list it.
    const sessionId = (await c.call("GET", "/api/v1/approvals")).body.pending[0].session_id as string;
    const ws = await connectWs(`${c.server.url.replace("http", "ws")}/api/v1/chat/stream`);
    ws.send({ resume: { conversation_id: sessionId, after_seq: 0 } });
    await ws.until((f) => f.some((x) => x.event === "snapshot"));
    expect(frame(ws.frames, "snapshot")!.data.pending_approvals.map((a: { id: string }) => a.id)).toEqual([id]);
    const feed = await connectWs(`${c.server.url.replace("http", "ws")}/api/v1/events/ws`);
    await feed.until((f) => f.some((x) => x.event === "snapshot"));
    expect(frame(feed.frames, "snapshot")!.data.pending_approvals.map((a: { id: string }) => a.id)).toEqual([id]);
    expect((await c.call("POST", `/api/v1/approvals/${id}/approve`, {})).status).toBe(200);
    const { events } = await stream;
    const names = events.map((e) => e.event);
    expect(names.indexOf("approval_required")).toBeGreaterThan(-1);
    expect(names.indexOf("approval_resolved")).toBeGreaterThan(names.indexOf("approval_required"));
    expect(JSON.parse(events.find((e) => e.event === "approval_resolved")!.data)).toEqual({
      request_id: id,
      status: "approved",
      scope: "once",
    });
    expect(names.at(-1)).toBe("done");
    ws.ws.close();
    feed.ws.close();
  });

  it("refuses approvals without an API key when commands could reach the server, so an agent cannot approve itself", async () => {
    c = await createCompatEnv({ FLOE_SANDBOX: "off", FLOE_APPROVAL_TIMEOUT_MS: "5000" });
    const { ws, required } = await askingRun(c);
    const id = required.data.request_id;
    const refused = await c.call("POST", `/api/v1/approvals/${id}/approve`, { scope: "once" });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/approvals need an API key here: shell commands can reach this server/);
    const pre = await c.call("POST", "/api/v1/approvals/pre-approve", {
      operation: "process.execute",
      pattern: "*",
      session_id: "x",
    });
    expect(pre.status).toBe(409);
    // Denying grants nothing, so it stays open.
    expect((await c.call("POST", `/api/v1/approvals/${id}/deny`)).status).toBe(200);
    await ws.until((f) => f.some((x) => x.event === "complete"));
    ws.ws.close();
  });

  it("keeps pending requests across a restart, shown as expired with a clear reason, and lists them in snapshots", async () => {
    c = await createCompatEnv();
    const { ws, required } = await askingRun(c);
    const conversationId = frame(ws.frames, "start")!.data.conversation_id as string;
    const pending = await c.server.app.approvals.pending(conversationId);
    expect(pending.map((p) => p.id)).toEqual([required.data.request_id]);
    // A subscription's snapshot lists it.
    const chat = createClient(ChatService, createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }));
    const ac = new AbortController();
    const snapshotStream = chat.subscribe({ conversationId }, { signal: ac.signal })[Symbol.asyncIterator]();
    const snapshot = (await snapshotStream.next()).value?.event?.kind;
    ac.abort();
    expect(snapshot?.case === "snapshot" && snapshot.value.pendingApprovals.map((p: { id: string }) => p.id)).toEqual([
      required.data.request_id,
    ]);
    ws.ws.close();
    // A crash leaves a request pending with nobody waiting for it: one more such row, as a killed server leaves it.
    await c.server.app.database.db
      .insertInto("approvals")
      .values({ ...pending[0]!, id: "apr_left_by_a_crash" })
      .execute();
    await c.server.close();
    const restarted = await c.env.start({ env: { FLOE_MODEL_MAX_RETRIES: "0" } });
    const rows = await restarted.app.database.db.selectFrom("approvals").selectAll().orderBy("id").execute();
    expect(rows.map((r) => [r.id, r.status, r.resolution]).sort()).toEqual(
      [
        [required.data.request_id, "expired", "expired: server shutting down"],
        ["apr_left_by_a_crash", "expired", "expired: the server restarted while the request was pending"],
      ].sort(),
    );
    const listed = await fetch(`${restarted.url}/api/v1/approvals`).then((r) => r.json());
    expect(listed).toEqual({ pending: [] });
    const audit = await fetch(`${restarted.url}/api/v1/security/audit?limit=1`).then((r) => r.json());
    expect(audit.entries[0]).toMatchObject({
      policy: "human-approval",
      result: "deny",
      reason: "expired: the server restarted while the request was pending",
    });
  });
});
