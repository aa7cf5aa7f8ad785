import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type CompatEnv, createCompatEnv } from "./support/compat-env.js";
import { reply } from "./support/fake-openai.js";
import { postSse as sse } from "./support/sse-client.js";

describe("Pawan REST and SSE, at the root and under /api", () => {
  let c: CompatEnv;
  afterEach(async () => c?.cleanup());

  it("serves health, agents (with Aegis peers) and models", async () => {
    c = await createCompatEnv({ FLOE_AGENT_ID: "pawan@testhost" });
    for (const prefix of ["", "/api"]) {
      const h = await c.call("GET", `${prefix}/health`);
      expect(h.body).toEqual({
        status: "ok",
        version: expect.stringMatching(/^\d+\.\d+\.\d+/),
        uptime_secs: expect.any(Number),
        agent_id: "pawan@testhost",
      });
      const a = await c.call("GET", `${prefix}/agents`);
      expect(a.body).toEqual({ self: "pawan@testhost", peers: [] });
      const m = await c.call("GET", `${prefix}/models`);
      expect(m.body).toEqual({
        models: [
          { name: "openai/gpt-4", provider: "openai", is_default: true },
          { name: "anthropic/claude-3-sonnet-20240229", provider: "anthropic", is_default: false },
        ],
      });
    }
    writeFileSync(
      join(c.env.workspace, "aegis-net.toml"),
      '[peers.agent1]\nip = "192.168.1.100"\ngroups = ["production"]\n\n[peers.agent2]\nip = "192.168.1.101"\ngroups = ["development"]\n',
    );
    const peers = await c.call("GET", "/agents");
    expect(peers.body.peers).toEqual([
      { name: "agent1", agent_id: "pawan@agent1", ip: "192.168.1.100", groups: ["production"] },
      { name: "agent2", agent_id: "pawan@agent2", ip: "192.168.1.101", groups: ["development"] },
    ]);
    writeFileSync(join(c.env.workspace, "aegis-net.toml"), "[peers.agent1\nip = ");
    const malformed = await c.call("GET", "/agents");
    expect(malformed).toMatchObject({ status: 200, body: { peers: [] } });
  });

  it("chats, with model as a real override, and continues a session through its id", async () => {
    c = await createCompatEnv();
    c.fake.enqueue(
      reply.toolCalls([{ name: "list_files", args: {} }]),
      reply.text("I'll help you fix the failing test."),
    );
    const first = await c.call("POST", "/chat", {
      message: "Fix the failing test in src/lib.rs",
      model: "claude-3-sonnet",
    });
    expect(first.body).toEqual({
      session_id: expect.any(String),
      content: "I'll help you fix the failing test.",
      iterations: 2,
      tool_calls: 1,
    });
    expect(c.fake.requests[0]!.model).toBe("anthropic/claude-3-sonnet-20240229");
    await c.call("POST", "/api/chat", { message: "and now?", session_id: first.body.session_id });
    expect(
      c.fake.requests
        .at(-1)!
        .messages.filter((m: { role: string }) => m.role === "user")
        .map((m: { content: string }) => m.content),
    ).toEqual(["Fix the failing test in src/lib.rs", "and now?"]);
    const mine = await c.call("POST", "/chat", { message: "hello", session_id: "my-session" });
    expect(mine.body.session_id).toBe("my-session");
  });

  it("streams SSE exactly as documented, with ids, and continues through done.session_id", async () => {
    c = await createCompatEnv();
    c.fake.enqueue(
      reply.toolCalls([{ name: "read_file", args: { path: "main.py" } }]),
      reply.text("The agent loop works by iterating.", { delayMs: 5 }),
    );
    const { res, events } = await sse(`${c.server.url}/chat/stream`, { message: "Explain how the agent loop works" });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const names = events.map((e) => e.event);
    expect(names.filter((n, i) => n !== names[i - 1])).toEqual(["tool_start", "tool_complete", "token", "done"]);
    expect(JSON.parse(events[0]!.data)).toEqual({ name: "read_file" });
    expect(JSON.parse(events[1]!.data)).toEqual({
      name: "read_file",
      success: true,
      duration_ms: expect.any(Number),
      result_preview: "def main():\n    pass\n",
    });
    expect(
      events
        .filter((e) => e.event === "token")
        .map((e) => JSON.parse(e.data).content)
        .join(""),
    ).toBe("The agent loop works by iterating.");
    const done = JSON.parse(events.at(-1)!.data);
    expect(done).toEqual({
      session_id: expect.any(String),
      content: "The agent loop works by iterating.",
      iterations: 2,
      tool_calls: 1,
    });
    const ids = events.map((e) => Number(e.id));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);

    c.fake.enqueue(reply.text("continued"));
    const second = await sse(`${c.server.url}/api/chat/stream`, { message: "go on", session_id: done.session_id });
    expect(JSON.parse(second.events.at(-1)!.data)).toMatchObject({ session_id: done.session_id, content: "continued" });
    const session = await c.call("GET", `/sessions/${done.session_id}`);
    expect(
      session.body.messages
        .filter((m: { role: string }) => m.role === "user")
        .map((m: { content: string }) => m.content),
    ).toEqual(["Explain how the agent loop works", "go on"]);
  });

  it("resumes a dropped stream with Last-Event-ID, and sends keep-alive comments while idle", async () => {
    c = await createCompatEnv();
    const slow = reply.text("one two three four five six seven eight nine ten", { chunkSize: 4, delayMs: 60 });
    // An idle stretch longer than the heartbeat interval (300 ms here), late in the answer.
    slow.steps.splice(slow.steps.length - 4, 0, { delayMs: 800 });
    c.fake.enqueue(slow);
    const first = await sse(
      `${c.server.url}/chat/stream`,
      { message: "count" },
      {},
      (e) => e.event === "token" && JSON.parse(e.data).content.includes("two"),
    );
    const seen = first.events
      .filter((e) => e.event === "token")
      .map((e) => JSON.parse(e.data).content)
      .join("");
    const lastId = first.events.at(-1)!.id!;
    const sessionId = (await c.call("GET", "/sessions")).body[0].id;
    const rest = await sse(`${c.server.url}/chat/stream`, { session_id: sessionId }, { "last-event-id": lastId });
    const resumedText = rest.events
      .filter((e) => e.event === "token")
      .map((e) => JSON.parse(e.data).content)
      .join("");
    expect(seen + resumedText).toBe("one two three four five six seven eight nine ten");
    expect(rest.events.at(-1)!.event).toBe("done");
    // A resume opens with a snapshot (no id), then what came after the cursor.
    expect(rest.events[0]).toMatchObject({ event: "snapshot", id: undefined });
    expect(JSON.parse(rest.events[0]!.data)).toMatchObject({ session_id: sessionId });
    expect(Number(rest.events[1]!.id)).toBeGreaterThan(Number(lastId));
    // Resuming from the end: the snapshot says so, and the stream ends.
    const doneId = rest.events.at(-1)!.id!;
    const caughtUp = await sse(`${c.server.url}/chat/stream`, { session_id: sessionId }, { "last-event-id": doneId });
    expect(caughtUp.events.map((e) => e.event)).toEqual(["snapshot"]);
    expect(JSON.parse(caughtUp.events[0]!.data)).toEqual({
      session_id: sessionId,
      latest_seq: Number(doneId),
      active_runs: [],
      pending_approvals: [],
    });
    expect(rest.comments.map((x) => x.trim())).toContain("keep-alive");
    const bad = await sse(`${c.server.url}/chat/stream`, { session_id: sessionId }, { "last-event-id": "abc" });
    expect(bad.res.status).toBe(422);
  });

  it("creates, lists, gets and deletes sessions (204, then 404), validates ids, and keeps them across restarts", async () => {
    c = await createCompatEnv();
    const created = await c.call("POST", "/sessions");
    const id = created.body.session_id;
    expect(created.body).toEqual({ session_id: expect.any(String) });
    const list = await c.call("GET", "/sessions");
    expect(list.body).toEqual([
      { id, model: "openai/gpt-4", created_at: expect.any(String), updated_at: expect.any(String), message_count: 0 },
    ]);
    const got = await c.call("GET", `/api/sessions/${id}`);
    expect(got.body).toEqual({
      id,
      model: "openai/gpt-4",
      created_at: expect.any(String),
      updated_at: expect.any(String),
      messages: [],
    });
    await c.server.close();
    const again = await c.env.start({ env: { FLOE_MODEL_MAX_RETRIES: "0" } });
    const after = await fetch(`${again.url}/sessions/${id}`);
    expect(after.status).toBe(200);
    const del = await fetch(`${again.url}/sessions/${id}`, { method: "DELETE" });
    expect(del.status).toBe(204);
    expect(await del.text()).toBe("");
    const gone = await fetch(`${again.url}/sessions/${id}`, { method: "DELETE" });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ error: expect.stringContaining("not found") });
    for (const bad of ["..%2F..%2Fetc%2Fpasswd", "a%20b", "x..y", ".hidden"]) {
      const r = await fetch(`${again.url}/sessions/${bad}`);
      expect(r.status, bad).toBe(400);
      expect((await r.json()).error).toContain("is not a valid id");
    }
    const badResume = await fetch(`${again.url}/chat/stream`, {
      method: "POST",
      headers: { "content-type": "application/json", "last-event-id": "3" },
      body: JSON.stringify({ session_id: "../x" }),
    });
    expect(badResume.status).toBe(400);
    const badChat = await fetch(`${again.url}/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "x", session_id: "../../etc" }),
    });
    expect(badChat.status).toBe(400);
  });

  it("answers errors as {error}: malformed JSON 400, missing field 422, unknown id 404, wrong content type 415", async () => {
    c = await createCompatEnv();
    const malformed = await c.call("POST", "/chat", "{nope");
    expect(malformed).toMatchObject({ status: 400, body: { error: expect.stringContaining("JSON") } });
    const missing = await c.call("POST", "/chat", { session_id: "s1" });
    expect(missing).toMatchObject({ status: 422, body: { error: "message is required: send the message content" } });
    const unknown = await c.call("GET", "/sessions/unknown-session");
    expect(unknown).toMatchObject({ status: 404, body: { error: expect.stringContaining("not found") } });
    const ct = await c.call("POST", "/chat", "hello", { "content-type": "text/plain" });
    expect(ct).toMatchObject({ status: 415, body: { error: expect.stringContaining("unsupported content type") } });
    c.fake.enqueue(reply.httpError(500, "permission denied"));
    const failed = await c.call("POST", "/chat", { message: "boom" });
    expect(failed).toMatchObject({ status: 500, body: { error: expect.stringContaining("Failed to execute agent") } });
  });
});
