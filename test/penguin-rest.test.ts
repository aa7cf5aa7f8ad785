import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type CompatEnv, createCompatEnv } from "./support/compat-env.js";
import { reply } from "./support/fake-openai.js";

const any = (t: unknown) => expect.any(t as never);

describe("Penguin /api/v1 REST, over the same services", () => {
  let c: CompatEnv;
  afterEach(async () => c?.cleanup());

  it("runs chat/message with every documented field and answers the documented shape", async () => {
    c = await createCompatEnv();
    const conv = await c.call("POST", "/api/v1/conversations/create", {});
    expect(conv.status).toBe(200);
    c.fake.enqueue(
      reply.toolCalls([{ name: "read_file", args: { path: "main.py" } }]),
      reply.text("I can help you with Python development.", { reasoning: "First, I'll analyze." }),
    );
    const res = await c.call("POST", "/api/v1/chat/message", {
      text: "Hello, how can you help me with Python development?",
      conversation_id: conv.body.conversation_id,
      agent_id: "code-expert",
      context: { key: "value" },
      context_files: ["path/to/file1.py", "path/to/file2.py"],
      streaming: true,
      max_iterations: 5,
      image_path: "image.png",
      include_reasoning: true,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      response: "I can help you with Python development.",
      action_results: [{ action: "read_file", result: "def main():\n    pass\n", status: "completed" }],
      reasoning: "First, I'll analyze.",
      conversation_id: conv.body.conversation_id,
    });
    const sent = c.fake.requests[0]!;
    expect(sent.messages[0]).toEqual({ role: "system", content: "You are a code expert." });
    expect(sent.messages.map((m: { content: unknown }) => JSON.stringify(m.content)).join("\n")).toContain(
      "print('two')",
    );
    expect(sent.messages.at(-1).content[1].type).toBe("image_url");
    const noReasoning = await c.call("POST", "/api/v1/chat/message", {
      text: "again",
      conversation_id: conv.body.conversation_id,
    });
    expect(noReasoning.body.reasoning).toBe("");
  });

  it("lists, creates, gets and reads conversation history with the documented query parameters", async () => {
    c = await createCompatEnv();
    const created = await c.call("POST", "/api/v1/conversations/create", { name: "Debug Session" });
    const id = created.body.conversation_id;
    expect(created.body).toMatchObject({ id, name: "Debug Session", agent_id: "default", message_count: 0 });
    await c.server.app.conversations.appendMessage(id, { role: "system", content: "sys", agentId: "default" });
    await c.server.app.conversations.appendMessage(id, {
      role: "user",
      content: "u1",
      agentId: "code-expert",
      channel: "code-review",
    });
    await c.server.app.conversations.appendMessage(id, {
      role: "assistant",
      content: "a1",
      agentId: "default",
      messageType: "status",
    });
    const list = await c.call("GET", "/api/v1/conversations");
    expect(list.body.conversations.map((x: { id: string }) => x.id)).toEqual([id]);
    const got = await c.call("GET", `/api/v1/conversations/${id}`);
    expect(got.body).toMatchObject({
      id,
      name: "Debug Session",
      messages: [{ role: "system" }, { role: "user" }, { role: "assistant" }],
    });
    expect(got.body.messages[1]).toEqual({
      id: any(String),
      role: "user",
      content: "u1",
      timestamp: any(String),
      agent_id: "code-expert",
      channel: "code-review",
      message_type: "message",
      tool_calls: [],
      tool_call_id: "",
      metadata: {},
    });
    const hist = (q: string) =>
      c
        .call("GET", `/api/v1/conversations/${id}/history${q}`)
        .then((r) => r.body.messages.map((m: { content: string }) => m.content));
    expect(await hist("")).toEqual(["sys", "u1", "a1"]);
    expect(await hist("?include_system=false")).toEqual(["u1", "a1"]);
    expect(await hist("?limit=1")).toEqual(["a1"]);
    expect(await hist("?agent_id=code-expert")).toEqual(["u1"]);
    expect(await hist("?channel=code-review")).toEqual(["u1"]);
    expect(await hist("?message_type=status")).toEqual(["a1"]);
    const bad = await c.call("GET", `/api/v1/conversations/${id}/history?limit=abc`);
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toEqual([
      { loc: ["query", "limit"], msg: "value is not a valid integer", type: "type_error.integer" },
    ]);
  });

  it("serves models, models/load and models/current in the documented shapes", async () => {
    c = await createCompatEnv();
    const models = await c.call("GET", "/api/v1/models");
    expect(models.body.models).toEqual([
      {
        id: "gpt-4",
        name: "openai/gpt-4",
        provider: "openai",
        vision_enabled: true,
        max_output_tokens: 8000,
        current: true,
        offline: false,
      },
      {
        id: "claude-3-sonnet",
        name: "anthropic/claude-3-sonnet-20240229",
        provider: "anthropic",
        vision_enabled: false,
        max_output_tokens: 4096,
        current: false,
        offline: false,
      },
    ]);
    const load = await c.call("POST", "/api/v1/models/load", { model_id: "claude-3-sonnet" });
    expect(load.body).toEqual({
      status: "success",
      model_id: "claude-3-sonnet",
      current_model: "anthropic/claude-3-sonnet-20240229",
      message: "Successfully loaded model: claude-3-sonnet",
    });
    const current = await c.call("GET", "/api/v1/models/current");
    expect(current.body).toMatchObject({
      model: "anthropic/claude-3-sonnet-20240229",
      provider: "anthropic",
      client_preference: "openai",
      max_output_tokens: 4096,
      temperature: 0.7,
      streaming_enabled: true,
      vision_enabled: false,
    });
    const unknown = await c.call("POST", "/api/v1/models/load", { model_id: "gpt-5" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.detail).toContain('model "gpt-5" is not configured');
  });

  it("discovers models from the OpenRouter catalogue, and says what to set without a key", async () => {
    c = await createCompatEnv();
    const noKey = await c.call("GET", "/api/v1/models/discover");
    expect(noKey.status).toBe(409);
    expect(noKey.body.detail).toContain("OPENROUTER_API_KEY");
    await c.server.close();
    const server = await c.env.start({
      env: { OPENROUTER_API_KEY: "or-key", FLOE_OPENROUTER_BASE_URL: c.fake.url, OPENROUTER_SITE_TITLE: "Floe tests" },
    });
    const res = await fetch(`${server.url}/api/v1/models/discover`);
    expect(await res.json()).toEqual({
      models: [
        {
          id: "fake/model-a",
          name: "Fake A",
          provider: "fake",
          context_length: 200000,
          max_output_tokens: 4096,
          pricing: { prompt: "0.000015", completion: "0.000075" },
        },
        {
          id: "fake/model-b",
          name: "Fake B",
          provider: "fake",
          context_length: 128000,
          max_output_tokens: 0,
          pricing: { prompt: "0.00001", completion: "0.00003" },
        },
      ],
    });
  });

  it("serves runtime config, info, status, capabilities, token usage and context files", async () => {
    c = await createCompatEnv();
    const ws = c.env.workspace;
    const other = join(ws, "other-project");
    mkdirSync(other);
    const cfg = await c.call("GET", "/api/v1/system/config");
    expect(cfg.body).toEqual({
      status: "success",
      config: { project_root: ws, workspace_root: ws, execution_mode: "project", active_root: ws },
    });
    const pr = await c.call("POST", "/api/v1/system/config/project-root", { path: other });
    expect(pr.body).toEqual({
      status: "success",
      message: `Project root set to ${other}`,
      path: other,
      active_root: other,
    });
    const wr = await c.call("POST", "/api/v1/system/config/workspace-root", { path: ws });
    expect(wr.body).toEqual({
      status: "success",
      message: `Workspace root set to ${ws}`,
      path: ws,
      active_root: other,
    });
    const mode = await c.call("POST", "/api/v1/system/config/execution-mode", { path: "workspace" });
    expect(mode.body).toEqual({
      status: "success",
      message: `Execution mode set to workspace: ${ws}`,
      execution_mode: "workspace",
      active_root: ws,
    });
    const badMode = await c.call("POST", "/api/v1/system/config/execution-mode", { path: "sideways" });
    expect(badMode.status).toBe(400);
    expect(badMode.body.detail).toContain("must be 'project' or 'workspace'");
    const badPath = await c.call("POST", "/api/v1/system/config/project-root", { path: join(ws, "missing") });
    expect(badPath.status).toBe(400);

    const info = await c.call("GET", "/api/v1/system/info");
    expect(info.body).toEqual({
      penguin_version: any(String),
      engine_available: true,
      checkpoints_enabled: true,
      current_model: { model: "openai/gpt-4", provider: "openai", streaming_enabled: true, vision_enabled: true },
      conversation_manager: { active: true, current_session_id: "", total_messages: 0 },
      tool_manager: { active: true, total_tools: 10 },
      memory_provider: { initialized: true, provider_type: "sqlite" },
    });
    const status = await c.call("GET", "/api/v1/system/status");
    expect(status.body).toEqual({
      status: "active",
      runmode_status: "RunMode idle.",
      continuous_mode: false,
      streaming_active: false,
      token_usage: { total: { input: 0, output: 0 }, session: { input: 0, output: 0 } },
      timestamp: any(String),
      initialization: { core_initialized: true, fast_startup_enabled: true },
    });
    const caps = await c.call("GET", "/api/v1/capabilities");
    expect(Object.keys(caps.body.capabilities).sort()).toEqual([
      "checkpoint_management",
      "context_files",
      "file_upload",
      "model_switching",
      "multi_modal",
      "run_mode",
      "streaming_enabled",
      "task_execution",
      "vision_enabled",
      "websocket_support",
    ]);
    expect(caps.body.capabilities).toMatchObject({
      checkpoint_management: true,
      file_upload: true,
      task_execution: true,
      model_switching: true,
      websocket_support: true,
    });
    expect(caps.body).toMatchObject({
      current_model: { model: "openai/gpt-4", provider: "openai", vision_enabled: true },
      api_version: "v1",
    });

    c.fake.enqueue(reply.text("counted", { usage: [100, 50] }));
    await c.call("POST", "/api/v1/chat/message", { text: "count me" });
    const usage = await c.call("GET", "/api/v1/token-usage");
    expect(usage.body.total).toEqual({ prompt: 100, completion: 50 });
    expect(usage.body.per_model["openai/gpt-4"]).toEqual({ prompt: 100, completion: 50 });

    mkdirSync(join(ws, "context", "path", "to", "context"), { recursive: true });
    writeFileSync(join(ws, "context", "path", "to", "context", "file.md"), "# Team conventions");
    const files = await c.call("GET", "/api/v1/context-files");
    expect(files.body.files).toEqual([{ path: "path/to/context/file.md", size: 18, modified_at: any(String) }]);
    const load = await c.call("POST", "/api/v1/context-files/load", { file_path: "path/to/context/file.md" });
    expect(load.body).toMatchObject({ status: "success", file_path: "path/to/context/file.md", chars: 18 });
    const hist = await c.call("GET", `/api/v1/conversations/${load.body.conversation_id}/history`);
    expect(hist.body.messages.at(-1).content).toContain("# Team conventions");
  });

  it("answers errors FastAPI-style: malformed JSON, missing field, unknown id, wrong content type", async () => {
    c = await createCompatEnv();
    const malformed = await c.call("POST", "/api/v1/chat/message", '{"text": ');
    // A validation error is FastAPI's list of {loc, msg, type} (pydantic v1 style); other errors a string.
    expect(malformed.status).toBe(422);
    expect(malformed.body).toEqual({
      detail: [{ loc: ["body", 9], msg: expect.stringContaining("JSON"), type: "value_error.jsondecode" }],
    });
    const missing = await c.call("POST", "/api/v1/chat/message", { conversation_id: "x" });
    expect(missing).toEqual({
      status: 422,
      body: { detail: [{ loc: ["body", "text"], msg: "field required", type: "value_error.missing" }] },
      headers: expect.anything(),
    });
    const wrongType = await c.call("POST", "/api/v1/chat/message", { text: "x", max_iterations: "many" });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.detail).toEqual([
      { loc: ["body", "max_iterations"], msg: "value is not a valid integer", type: "type_error.integer" },
    ]);
    const notAnObject = await c.call("POST", "/api/v1/chat/message", [{ text: "x" }]);
    expect(notAnObject.status).toBe(422);
    expect(notAnObject.body.detail).toEqual([
      { loc: ["body"], msg: "value is not a valid dict", type: "type_error.dict" },
    ]);
    const unknown = await c.call("GET", "/api/v1/conversations/does-not-exist");
    expect(unknown).toMatchObject({
      status: 404,
      body: { detail: expect.stringContaining('conversation "does-not-exist" not found') },
    });
    const unknownChat = await c.call("POST", "/api/v1/chat/message", { text: "x", conversation_id: "nope" });
    expect(unknownChat.status).toBe(404);
    const wrongCt = await c.call("POST", "/api/v1/chat/message", "text=hi", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(wrongCt.status).toBe(415);
    expect(wrongCt.body).toEqual({ detail: expect.stringContaining("unsupported content type") });
    // A value out of range is a plain bad request; a required field left empty is a validation error.
    const range = await c.call("POST", "/api/v1/chat/message", { text: "x", max_iterations: 0 });
    expect(range).toMatchObject({ status: 400, body: { detail: "max_iterations must be between 1 and 100, got 0" } });
    const emptyPath = await c.call("POST", "/api/v1/system/config/project-root", { path: "" });
    expect(emptyPath).toMatchObject({
      status: 422,
      body: { detail: [{ loc: ["body", "path"], msg: "field required", type: "value_error.missing" }] },
    });
    // The execution mode comes from `mode` when it is a string, else from `path` (Penguin's documented field).
    const byPath = await c.call("POST", "/api/v1/system/config/execution-mode", { mode: 5, path: "workspace" });
    expect(byPath).toMatchObject({ status: 200, body: { execution_mode: "workspace" } });
    const emptyMode = await c.call("POST", "/api/v1/system/config/execution-mode", { mode: "", path: "workspace" });
    expect(emptyMode.status).toBe(422);
    const health = await c.call("GET", "/health");
    expect(health.status).toBe(200);
  });

  it("answers CORS preflights with the configured origins", async () => {
    c = await createCompatEnv({ PENGUIN_CORS_ORIGINS: "http://localhost:3000,https://myapp.com" });
    const ok = await fetch(`${c.server.url}/api/v1/models`, {
      method: "OPTIONS",
      headers: { origin: "https://myapp.com", "access-control-request-method": "GET" },
    });
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://myapp.com");
    const no = await fetch(`${c.server.url}/api/v1/models`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
    });
    expect(no.headers.get("access-control-allow-origin")).toBeNull();
  });
});
