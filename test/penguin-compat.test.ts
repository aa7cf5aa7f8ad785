import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FloeServer } from "../src/server/start-server.js";
import { type CompatEnv, createCompatEnv } from "./support/compat-env.js";
import { reply } from "./support/fake-openai.js";
import { restCall } from "./support/rest.js";
import { connectWs } from "./support/ws-client.js";

/**
 * What Penguin's own browser client does that the reference does not show,
 * sent the way that client sends it, and the other differences found by
 * calling each documented route with its example body.
 */
describe("Penguin compatibility: the browser client and the reference's details", () => {
  let c: CompatEnv;
  afterEach(async () => c?.cleanup());

  it("creates a conversation from a JSON content type with no body (New Chat), and shows title and session_id", async () => {
    c = await createCompatEnv();
    const res = await fetch(`${c.server.url}/api/v1/conversations/create`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(200);
    const created = (await res.json()) as Record<string, unknown>;
    expect(created).toMatchObject({ id: expect.any(String), name: "New conversation", title: "New conversation" });
    expect(created.session_id).toBe(created.id);
    expect(created.conversation_id).toBe(created.id);

    const named = await c.call("POST", "/api/v1/conversations/create", { name: "Debug Session" });
    const list = await c.call("GET", "/api/v1/conversations");
    // Listed newest first; the client keys by session_id (or id) and shows title.
    expect(list.body.conversations.map((x: Record<string, string>) => [x.session_id, x.id, x.title])).toEqual([
      [named.body.id, named.body.id, "Debug Session"],
      [created.id, created.id, "New conversation"],
    ]);
    const got = await c.call("GET", `/api/v1/conversations/${named.body.id}`);
    expect(got.body).toMatchObject({ title: "Debug Session", session_id: named.body.id, messages: [] });
  });

  it("still refuses an empty body where a field is required (422 naming it), and keeps Pawan's empty-body 400", async () => {
    c = await createCompatEnv();
    const chat = await c.call("POST", "/api/v1/chat/message", undefined, { "content-type": "application/json" });
    expect(chat).toMatchObject({
      status: 422,
      body: { detail: [{ loc: ["body", "text"], msg: "field required", type: "value_error.missing" }] },
    });
    const pawan = await c.call("POST", "/chat", undefined, { "content-type": "application/json" });
    expect(pawan).toMatchObject({ status: 400, body: { error: "malformed request: the JSON body is empty" } });
    // Whitespace is not an empty body: it is JSON that does not parse, as in FastAPI.
    const blank = await c.call("POST", "/api/v1/conversations/create", "  ", { "content-type": "application/json" });
    expect(blank.status).toBe(422);
    expect(blank.body.detail[0]).toMatchObject({ loc: ["body", 2], type: "value_error.jsondecode" });
    expect(c.fake.requests).toHaveLength(0);
  });

  it("runs a WebSocket chat sent with conversation_id: null and image_path: null", async () => {
    c = await createCompatEnv();
    c.fake.enqueue(reply.text("hello from the socket"));
    const s = await connectWs(`${c.server.url.replace("http", "ws")}/api/v1/chat/stream`);
    s.send({ text: "Hi", conversation_id: null, image_path: null, agent_id: "default", include_reasoning: false });
    await s.until((f) => f.some((x) => x.event === "complete" || x.event === "error"));
    expect(s.frames.filter((f) => f.event === "error")).toEqual([]);
    expect(s.frames.at(-1)!.data).toMatchObject({ response: "hello from the socket" });
    const conversationId = s.frames[0]!.data.conversation_id as string;
    expect(conversationId).toMatch(/\S/);
    const sent = c.fake.requests[0]!.messages.at(-1);
    // No image: the user's message is plain text.
    expect(sent).toEqual({ role: "user", content: "Hi" });
    s.ws.close();
  });

  it("answers vision_enabled at the top level of capabilities, following the current model", async () => {
    c = await createCompatEnv();
    const caps = await c.call("GET", "/api/v1/capabilities");
    expect(caps.body).toMatchObject({
      vision_enabled: true,
      capabilities: { vision_enabled: true, streaming_enabled: true },
      current_model: { model: "openai/gpt-4", vision_enabled: true },
      api_version: "v1",
    });
    await c.call("POST", "/api/v1/models/load", { model_id: "claude-3-sonnet" });
    const after = await c.call("GET", "/api/v1/capabilities");
    expect([after.body.vision_enabled, after.body.capabilities.vision_enabled]).toEqual([false, false]);
  });

  it("counts token_usage.session from this process's start; total survives the restart", async () => {
    c = await createCompatEnv();
    const status = async (s: FloeServer) => (await restCall(s.url, "GET", "/api/v1/system/status")).body!.token_usage;
    c.fake.enqueue(reply.text("one", { usage: [100, 50] }), reply.text("two", { usage: [20, 5] }));
    await c.call("POST", "/api/v1/chat/message", { text: "first" });
    await c.call("POST", "/api/v1/chat/message", { text: "second" });
    expect(await status(c.server)).toEqual({
      total: { input: 120, output: 55 },
      session: { input: 120, output: 55 },
    });
    await c.server.close();
    const restarted = await c.env.start({ env: { FLOE_MODEL_MAX_RETRIES: "0" } });
    expect(await status(restarted)).toEqual({ total: { input: 120, output: 55 }, session: { input: 0, output: 0 } });
    c.fake.enqueue(reply.text("three", { usage: [7, 3] }));
    expect((await restCall(restarted.url, "POST", "/api/v1/chat/message", { text: "third" })).status).toBe(200);
    expect(await status(restarted)).toEqual({ total: { input: 127, output: 58 }, session: { input: 7, output: 3 } });
  });

  it("names the missing context file, not the context folder, with or without that folder", async () => {
    c = await createCompatEnv();
    const ws = c.env.workspace;
    rmSync(join(ws, "context"), { recursive: true, force: true });
    const load = (file_path: string) => c.call("POST", "/api/v1/context-files/load", { file_path });
    const missing = await load("notes/style.md");
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe(
      `file_path: context file "notes/style.md" was not found (looked for ${join(ws, "notes/style.md")} and ${join(ws, "context", "notes/style.md")})`,
    );
    mkdirSync(join(ws, "context"));
    expect((await load("notes/style.md")).body.detail).toContain('context file "notes/style.md" was not found');
    writeFileSync(join(ws, "context", "style.md"), "tabs");
    expect(await load("style.md")).toMatchObject({ status: 200, body: { file_path: "style.md", chars: 4 } });
    // A chat's context_files: the same message, as a bad request.
    const chat = await c.call("POST", "/api/v1/chat/message", { text: "x", context_files: ["gone.md"] });
    expect(chat.status).toBe(400);
    expect(chat.body.detail).toMatch(/^context_files: context file "gone.md" was not found \(looked for /);
    expect(c.fake.requests).toHaveLength(0);
  });

  it("answers a known path with the wrong method 405 with Allow, as FastAPI and axum do; an unknown path stays 404", async () => {
    c = await createCompatEnv();
    const wrong = await c.call("DELETE", "/api/v1/chat/message");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
    expect(wrong.body).toEqual({ detail: "Method Not Allowed" });
    const agent = await c.call("PUT", "/api/v1/agents/default");
    expect(agent.status).toBe(405);
    expect(agent.headers.get("allow")!.split(", ").sort()).toEqual(["DELETE", "GET", "PATCH"]);
    const pawan = await c.call("PUT", "/sessions");
    expect(pawan.status).toBe(405);
    expect(pawan.body).toEqual({ error: "Method Not Allowed" });
    const unknown = await c.call("DELETE", "/api/v1/nothing-here");
    expect(unknown).toMatchObject({ status: 404, body: { detail: "Not Found" } });
  });

  it("reports query parameters of the wrong type as FastAPI does", async () => {
    c = await createCompatEnv();
    const conv = await c.call("POST", "/api/v1/conversations/create", {});
    const bad = await c.call("GET", `/api/v1/conversations/${conv.body.id}/history?include_system=maybe`);
    expect(bad).toMatchObject({
      status: 422,
      body: {
        detail: [
          { loc: ["query", "include_system"], msg: "value could not be parsed to a boolean", type: "type_error.bool" },
        ],
      },
    });
  });
});
