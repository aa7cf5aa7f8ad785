import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { AgentService } from "../gen/floe/v1/agent_pb.js";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { collect } from "./support/chat-env.js";
import { type CompatEnv, createCompatEnv } from "./support/compat-env.js";
import { reply } from "./support/fake-openai.js";

const any = (t: unknown) => expect.any(t as never);

function clients(c: CompatEnv) {
  const transport = createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" });
  return { agents: createClient(AgentService, transport), chat: createClient(ChatService, transport) };
}

/** The error a Connect call rejects with. */
async function rejection(p: Promise<unknown>): Promise<ConnectError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => ConnectError.from(e),
  );
  expect(err, "the call should have failed").toBeInstanceOf(ConnectError);
  return err as ConnectError;
}

/** Follows a conversation until every run live at subscribe time has ended. */
async function untilIdle(c: CompatEnv, conversationId: string) {
  return collect(clients(c).chat.subscribe({ conversationId, afterSeq: 0n, endAfterLiveRuns: true }));
}

describe("agent registry over Penguin REST and Connect", () => {
  let c: CompatEnv;
  afterEach(async () => c?.cleanup());

  it("creates, lists, gets, pauses, resumes and deletes an agent over /api/v1/agents", async () => {
    c = await createCompatEnv();
    const created = await c.call("POST", "/api/v1/agents", {
      id: "reviewer",
      model_config_id: "claude-3-sonnet",
      persona: "Reviewer",
      system_prompt: "You review code.",
      activate: true,
      default_tools: ["read_file", "grep_search"],
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: "reviewer",
      persona: "Reviewer",
      model: { model: "anthropic/claude-3-sonnet-20240229", provider: "anthropic" },
      parent: null,
      children: [],
      default_tools: ["read_file", "grep_search"],
      active: true,
      paused: false,
      is_sub_agent: false,
      system_prompt: "You review code.",
      model_config_id: "claude-3-sonnet",
      created_at: any(String),
    });
    expect(created.body.initial_run_id).toBeUndefined();

    // `default` always exists; `code-expert` comes from floe.yaml.
    const list = await c.call("GET", "/api/v1/agents");
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body)).toBe(true);
    const ids = list.body.map((a: { id: string }) => a.id);
    expect(ids).toEqual(expect.arrayContaining(["default", "code-expert", "reviewer"]));
    expect(list.body.find((a: { id: string }) => a.id === "code-expert")).toMatchObject({
      system_prompt: "You are a code expert.",
      model: { model: "openai/gpt-4" },
    });

    const simple = await c.call("GET", "/api/v1/agents?simple=true");
    expect(simple.status).toBe(200);
    expect(Array.isArray(simple.body)).toBe(true);
    for (const a of simple.body)
      expect(Object.keys(a).sort()).toEqual(["active", "id", "is_sub_agent", "parent", "paused"]);
    expect(simple.body.find((a: { id: string }) => a.id === "reviewer")).toEqual({
      id: "reviewer",
      active: true,
      paused: false,
      is_sub_agent: false,
      parent: null,
    });

    const got = await c.call("GET", "/api/v1/agents/reviewer");
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);

    const unknown = await c.call("GET", "/api/v1/agents/nobody");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ detail: expect.stringContaining('agent "nobody" not found') });

    // Paused: a chat message to it is refused with FailedPrecondition (409 on Penguin).
    const paused = await c.call("PATCH", "/api/v1/agents/reviewer", { paused: true });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ id: "reviewer", paused: true });
    expect((await c.call("GET", "/api/v1/agents/reviewer")).body.paused).toBe(true);
    const refused = await c.call("POST", "/api/v1/chat/message", { text: "review this", agent_id: "reviewer" });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ detail: expect.stringContaining('agent "reviewer" is paused') });
    expect(c.fake.requests).toHaveLength(0);

    const resumed = await c.call("PATCH", "/api/v1/agents/reviewer", { paused: false });
    expect(resumed.body).toMatchObject({ id: "reviewer", paused: false });
    c.fake.enqueue(reply.text("Looks good."));
    const ok = await c.call("POST", "/api/v1/chat/message", { text: "review this", agent_id: "reviewer" });
    expect(ok.status).toBe(200);
    expect(ok.body.response).toBe("Looks good.");

    const deleted = await c.call("DELETE", "/api/v1/agents/reviewer");
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ status: "deleted", agent_id: "reviewer", conversation_preserved: true });
    expect((await c.call("GET", "/api/v1/agents/reviewer")).status).toBe(404);
    expect((await c.call("GET", "/api/v1/agents")).body.map((a: { id: string }) => a.id)).not.toContain("reviewer");
    const again = await c.call("DELETE", "/api/v1/agents/reviewer");
    expect(again.status).toBe(404);
    expect(again.body.detail).toContain('agent "reviewer" not found');
  });

  it("deletes an agent's conversations with preserve_conversation=false and keeps them by default; never deletes default", async () => {
    c = await createCompatEnv();
    for (const id of ["keeper", "dropper"]) {
      expect((await c.call("POST", "/api/v1/agents", { id, system_prompt: `You are ${id}.` })).status).toBe(200);
    }
    const keep = await c.call("POST", "/api/v1/chat/message", { text: "remember me", agent_id: "keeper" });
    const drop = await c.call("POST", "/api/v1/chat/message", { text: "forget me", agent_id: "dropper" });
    expect(keep.status).toBe(200);
    expect(drop.status).toBe(200);
    expect((await c.call("GET", `/api/v1/conversations/${keep.body.conversation_id}`)).body.agent_id).toBe("keeper");

    const kept = await c.call("DELETE", "/api/v1/agents/keeper");
    expect(kept.body).toEqual({ status: "deleted", agent_id: "keeper", conversation_preserved: true });
    const keptConv = await c.call("GET", `/api/v1/conversations/${keep.body.conversation_id}`);
    expect(keptConv.status).toBe(200);
    expect(keptConv.body.messages.map((m: { content: string }) => m.content)).toContain("remember me");

    const dropped = await c.call("DELETE", "/api/v1/agents/dropper?preserve_conversation=false");
    expect(dropped.status).toBe(200);
    expect(dropped.body).toEqual({ status: "deleted", agent_id: "dropper", conversation_preserved: false });
    expect((await c.call("GET", `/api/v1/conversations/${drop.body.conversation_id}`)).status).toBe(404);
    expect((await c.call("GET", "/api/v1/agents/dropper")).status).toBe(404);

    const refused = await c.call("DELETE", "/api/v1/agents/default");
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('"default" always exists');
    expect((await c.call("GET", "/api/v1/agents/default")).status).toBe(200);
  });

  // Penguin answers a request it cannot act on with 400 and `{"detail": ...}` naming the problem.
  it.each([
    ["an id with a space", { id: "Bad Id" }, 'must be 1 to 64 characters of a-z, 0-9, "-" and "_", got "Bad Id"'],
    ["an id of 65 characters", { id: "a".repeat(65) }, "must be 1 to 64 characters"],
    ["an id with upper case", { id: "UPPER" }, "must be 1 to 64 characters"],
    ["an id with dots", { id: "dots.not.allowed" }, "must be 1 to 64 characters"],
    [
      "an unknown model_config_id",
      { id: "m", model_config_id: "gpt-5" },
      '"gpt-5" is not a configured model (configured: gpt-4, claude-3-sonnet)',
    ],
    [
      "an unknown tool in default_tools",
      { id: "t", default_tools: ["read_file", "launch_missiles"] },
      "launch_missiles",
    ],
    ["a parent that does not exist", { id: "p", parent: "ghost" }, '"ghost"'],
  ])("refuses to create an agent with %s: 400 with a detail naming it", async (_what, body, detail) => {
    c = await createCompatEnv();
    const res = await c.call("POST", "/api/v1/agents", body);
    expect(res.body).toEqual({ detail: expect.stringContaining(detail) });
    expect(res.status).toBe(400);
    // Nothing was registered.
    const ids = (await c.call("GET", "/api/v1/agents")).body.map((a: { id: string }) => a.id);
    expect(ids).not.toContain(body.id);
  });

  it("accepts a 64-character id, refuses a duplicate id with 409 and a mistyped body with 422", async () => {
    c = await createCompatEnv();
    const create = (body: unknown) => c.call("POST", "/api/v1/agents", body);
    expect((await create({ id: "a".repeat(64) })).status).toBe(200);
    expect((await create({ id: "twin" })).status).toBe(200);
    const dup = await create({ id: "twin", system_prompt: "another" });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ detail: expect.stringContaining('agent "twin" already exists') });
    expect((await c.call("GET", "/api/v1/agents/twin")).body.system_prompt).not.toBe("another");
    const dupConfigured = await create({ id: "code-expert" });
    expect(dupConfigured.status).toBe(409);
    const dupDefault = await create({ id: "default" });
    expect(dupDefault.status).toBe(409);
    const mistyped = await create({ id: 5 });
    expect(mistyped.status).toBe(422);
    expect(mistyped.body.detail).toEqual([{ loc: ["body", "id"], msg: "str type expected", type: "type_error.str" }]);
  });

  it("deactivates and activates an agent; an inactive agent takes no chat", async () => {
    c = await createCompatEnv();
    const created = await c.call("POST", "/api/v1/agents", { id: "dormant", activate: false });
    expect(created.status).toBe(200);
    expect(created.body.active).toBe(false);
    const refused = await c.call("POST", "/api/v1/chat/message", { text: "wake up", agent_id: "dormant" });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain('agent "dormant" is inactive');
    const activated = await c.call("PATCH", "/api/v1/agents/dormant", { active: true });
    expect(activated.body.active).toBe(true);
    const ok = await c.call("POST", "/api/v1/chat/message", { text: "wake up", agent_id: "dormant" });
    expect(ok.status).toBe(200);
    expect((await c.call("PATCH", "/api/v1/agents/nobody", { paused: true })).status).toBe(404);
  });

  it("does not register an agent whose create request fails: activate=false with an initial_prompt", async () => {
    c = await createCompatEnv();
    const res = await c.call("POST", "/api/v1/agents", { id: "sleepy", activate: false, initial_prompt: "hello" });
    // Refused (an inactive agent takes no work) ...
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    // ... and then nothing was created: a refused request has no effect, so the client can fix it and retry.
    expect((await c.call("GET", "/api/v1/agents/sleepy")).status).toBe(404);
    const retry = await c.call("POST", "/api/v1/agents", { id: "sleepy", activate: false });
    expect(retry.status).toBe(200);
  });

  it("refuses to delete an agent with a live run until the run is cancelled", async () => {
    c = await createCompatEnv();
    c.fake.enqueue(reply.stall(["thinking"], 20_000));
    const created = await c.call("POST", "/api/v1/agents", { id: "busy", initial_prompt: "work slowly" });
    expect(created.body.initial_run_id).not.toBe("");
    const refused = await c.call("DELETE", "/api/v1/agents/busy");
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain("live run");
    expect((await c.call("GET", "/api/v1/agents/busy")).status).toBe(200);

    const { chat } = clients(c);
    const cancelled = await chat.cancelRun({ runId: created.body.initial_run_id });
    expect(cancelled).toMatchObject({ status: "cancelled", cancelled: true });
    const events = await untilIdle(c, created.body.conversation_id);
    expect(events.at(-1)!.kind.case).toBe("cancelled");
    const deleted = await c.call("DELETE", "/api/v1/agents/busy?preserve_conversation=false");
    expect(deleted.status).toBe(200);
    expect((await c.call("GET", `/api/v1/conversations/${created.body.conversation_id}`)).status).toBe(404);
  });

  it("creates a sub-agent under a parent and shows the relation on both", async () => {
    c = await createCompatEnv();
    expect((await c.call("POST", "/api/v1/agents", { id: "lead" })).status).toBe(200);
    const sub = await c.call("POST", "/api/v1/agents", { id: "helper", parent: "lead" });
    expect(sub.status).toBe(200);
    expect(sub.body).toMatchObject({ id: "helper", parent: "lead", is_sub_agent: true });
    expect((await c.call("GET", "/api/v1/agents/lead")).body.children).toEqual(["helper"]);
    const simple = await c.call("GET", "/api/v1/agents?simple=true");
    expect(simple.body.find((a: { id: string }) => a.id === "helper")).toEqual({
      id: "helper",
      active: true,
      paused: false,
      is_sub_agent: true,
      parent: "lead",
    });
    // A parent with sub-agents is not deleted from under them.
    const refused = await c.call("DELETE", "/api/v1/agents/lead");
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain("helper");
  });

  it("runs the reference document's chat example with agent_id code-expert", async () => {
    c = await createCompatEnv();
    c.fake.enqueue(reply.text("I can help you with Python development."));
    const res = await c.call("POST", "/api/v1/chat/message", {
      text: "Hello, how can you help me with Python development?",
      agent_id: "code-expert",
    });
    expect(res.status).toBe(200);
    expect(res.body.response).toBe("I can help you with Python development.");
    expect(c.fake.requests[0]!.messages[0]).toEqual({ role: "system", content: "You are a code expert." });
    expect(c.fake.requests[0]!.model).toBe("openai/gpt-4");
  });

  it("runs each created agent on its own model with its own system prompt", async () => {
    c = await createCompatEnv();
    const a = await c.call("POST", "/api/v1/agents", {
      id: "agent-a",
      model_config_id: "claude-3-sonnet",
      system_prompt: "You are agent A.",
    });
    const b = await c.call("POST", "/api/v1/agents", {
      id: "agent-b",
      model_config_id: "gpt-4",
      system_prompt: "You are agent B.",
    });
    expect(a.body.model.model).toBe("anthropic/claude-3-sonnet-20240229");
    expect(b.body.model.model).toBe("openai/gpt-4");
    expect((await c.call("GET", "/api/v1/agents/agent-a")).body.model).toMatchObject({
      model: "anthropic/claude-3-sonnet-20240229",
      provider: "anthropic",
    });
    expect((await c.call("GET", "/api/v1/agents/agent-b")).body.model).toMatchObject({
      model: "openai/gpt-4",
      provider: "openai",
    });

    c.fake.enqueue(reply.text("A here."), reply.text("B here."));
    const toA = await c.call("POST", "/api/v1/chat/message", { text: "hi A", agent_id: "agent-a" });
    const toB = await c.call("POST", "/api/v1/chat/message", { text: "hi B", agent_id: "agent-b" });
    expect(toA.body.response).toBe("A here.");
    expect(toB.body.response).toBe("B here.");
    const [reqA, reqB] = c.fake.requests;
    expect(reqA!.model).toBe("anthropic/claude-3-sonnet-20240229");
    expect(reqA!.messages[0]).toEqual({ role: "system", content: "You are agent A." });
    expect(reqA!.messages.at(-1)).toEqual({ role: "user", content: "hi A" });
    expect(reqB!.model).toBe("openai/gpt-4");
    expect(reqB!.messages[0]).toEqual({ role: "system", content: "You are agent B." });
    // Each agent is offered only its tools; with none listed, every tool.
    expect(reqB!.tools.map((t: { function: { name: string } }) => t.function.name)).toContain("delegate");

    // The agent's conversation belongs to it.
    const conv = await c.call("GET", `/api/v1/conversations/${toA.body.conversation_id}`);
    expect(conv.body.agent_id).toBe("agent-a");

    // Changing the agent's model moves its next run.
    const patched = await c.call("PATCH", "/api/v1/agents/agent-a", { model_config_id: "gpt-4" });
    expect(patched.body.model.model).toBe("openai/gpt-4");
    await c.call("POST", "/api/v1/chat/message", { text: "again", agent_id: "agent-a" });
    expect(c.fake.requests[2]!.model).toBe("openai/gpt-4");
  });

  it("offers an agent only its default_tools", async () => {
    c = await createCompatEnv();
    await c.call("POST", "/api/v1/agents", { id: "reader", default_tools: ["read_file", "list_files"] });
    await c.call("POST", "/api/v1/chat/message", { text: "look around", agent_id: "reader" });
    const offered = c.fake.requests[0]!.tools.map((t: { function: { name: string } }) => t.function.name);
    expect(offered.sort()).toEqual(["list_files", "read_file"]);
  });

  it("accepts the reference document's own create body, whose tools carry Penguin's names", async () => {
    c = await createCompatEnv();
    const created = await c.call("POST", "/api/v1/agents", {
      id: "code-reviewer",
      persona: "code-review-expert",
      system_prompt: "You are a code review expert...",
      activate: true,
      default_tools: ["file_read", "grep", "bash"],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const got = await c.call("GET", "/api/v1/agents/code-reviewer");
    expect(got.body.default_tools).toEqual(["read_file", "grep_search", "execute_command"]);
    await c.call("POST", "/api/v1/chat/message", { text: "review", agent_id: "code-reviewer" });
    const offered = c.fake.requests[0]!.tools.map((t: { function: { name: string } }) => t.function.name);
    expect(offered.sort()).toEqual(["execute_command", "grep_search", "read_file"]);
  });

  it("starts a run for initial_prompt and serves the agent's history and sessions", async () => {
    c = await createCompatEnv();
    c.fake.enqueue(reply.text("Ready to plan."));
    const created = await c.call("POST", "/api/v1/agents", {
      id: "planner",
      system_prompt: "You plan work.",
      initial_prompt: "Introduce yourself.",
    });
    expect(created.status).toBe(200);
    expect(created.body.initial_run_id).toEqual(any(String));
    expect(created.body.initial_run_id).not.toBe("");
    const conversationId = created.body.conversation_id;
    expect(conversationId).toEqual(any(String));
    expect(conversationId).not.toBe("");

    const events = await untilIdle(c, conversationId);
    const terminal = events.filter((e) => e.runId === created.body.initial_run_id).at(-1)!;
    expect(terminal.kind).toMatchObject({ case: "complete", value: { response: "Ready to plan." } });
    expect(c.fake.requests[0]!.messages[0]).toEqual({ role: "system", content: "You plan work." });

    const history = await c.call("GET", "/api/v1/agents/planner/history");
    expect(history.status).toBe(200);
    expect(history.body.agent_id).toBe("planner");
    const turns = history.body.messages
      .filter((m: { role: string }) => m.role !== "system")
      .map((m: { role: string; content: string }) => [m.role, m.content]);
    expect(turns).toEqual([
      ["user", "Introduce yourself."],
      ["assistant", "Ready to plan."],
    ]);

    const last = await c.call("GET", "/api/v1/agents/planner/history?include_system=false&limit=1");
    expect(last.body.messages.map((m: { content: string }) => m.content)).toEqual(["Ready to plan."]);

    // A second session of the agent: a chat without a conversation id.
    c.fake.enqueue(reply.text("Second session."));
    const second = await c.call("POST", "/api/v1/chat/message", { text: "new topic", agent_id: "planner" });
    expect(second.status).toBe(200);

    const sessions = await c.call("GET", "/api/v1/agents/planner/sessions");
    expect(sessions.status).toBe(200);
    expect(sessions.body.agent_id).toBe("planner");
    expect(sessions.body.sessions).toHaveLength(2);
    // Newest first.
    expect(sessions.body.sessions.map((s: { id: string }) => s.id)).toEqual([
      second.body.conversation_id,
      conversationId,
    ]);
    const byId = new Map(sessions.body.sessions.map((s: { id: string }) => [s.id, s]));
    expect(byId.get(conversationId)).toEqual({
      id: conversationId,
      created_at: any(String),
      updated_at: any(String),
      message_count: 2,
    });
    expect(byId.get(second.body.conversation_id)).toMatchObject({ message_count: 2 });

    const sessionHistory = await c.call(
      "GET",
      `/api/v1/agents/planner/sessions/${second.body.conversation_id}/history`,
    );
    expect(sessionHistory.status).toBe(200);
    expect(sessionHistory.body).toMatchObject({ agent_id: "planner", session_id: second.body.conversation_id });
    expect(sessionHistory.body.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ["user", "new topic"],
      ["assistant", "Second session."],
    ]);

    // Another agent's session is not this agent's.
    const foreign = await c.call("GET", `/api/v1/agents/default/sessions/${conversationId}/history`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.detail).toContain(`session "${conversationId}" not found`);
    const missing = await c.call("GET", "/api/v1/agents/planner/sessions/no-such-session/history");
    expect(missing.status).toBe(404);
    expect((await c.call("GET", "/api/v1/agents/nobody/sessions")).status).toBe(404);
    expect((await c.call("GET", "/api/v1/agents/nobody/history")).status).toBe(404);

    // An agent that never ran has no history and no sessions.
    await c.call("POST", "/api/v1/agents", { id: "idle" });
    expect((await c.call("GET", "/api/v1/agents/idle/history")).body).toEqual({ agent_id: "idle", messages: [] });
    expect((await c.call("GET", "/api/v1/agents/idle/sessions")).body).toEqual({ agent_id: "idle", sessions: [] });
  });

  it("serves the same registry through the generated Connect client", async () => {
    c = await createCompatEnv();
    const { agents } = clients(c);

    const created = await agents.createAgent({
      id: "rpc-agent",
      modelConfigId: "claude-3-sonnet",
      persona: "Rpc",
      systemPrompt: "You answer RPCs.",
      defaultTools: ["read_file"],
    });
    expect(created.agent).toMatchObject({
      id: "rpc-agent",
      persona: "Rpc",
      modelConfigId: "claude-3-sonnet",
      systemPrompt: "You answer RPCs.",
      defaultTools: ["read_file"],
      active: true,
      paused: false,
      isSubAgent: false,
      model: { model: "anthropic/claude-3-sonnet-20240229", provider: "anthropic" },
    });
    expect(created.initialRunId).toBe("");

    const got = await agents.getAgent({ agentId: "rpc-agent" });
    expect(got.agent?.id).toBe("rpc-agent");
    expect(got.agent?.model?.model).toBe("anthropic/claude-3-sonnet-20240229");

    const listed = await agents.listAgents({});
    expect(listed.agents.map((a) => a.id)).toEqual(expect.arrayContaining(["default", "code-expert", "rpc-agent"]));
    const simple = await agents.listAgents({ simple: true });
    const simpleOne = simple.agents.find((a) => a.id === "rpc-agent")!;
    expect(simpleOne.systemPrompt).toBe("");
    expect(simpleOne.model).toBeUndefined();

    const paused = await agents.updateAgent({ agentId: "rpc-agent", paused: true, systemPrompt: "Now different." });
    expect(paused.agent).toMatchObject({ paused: true, systemPrompt: "Now different." });
    const chat = clients(c).chat;
    const refused = await rejection(chat.sendMessage({ chat: { text: "hi", agentId: "rpc-agent" } }));
    expect(refused.code).toBe(Code.FailedPrecondition);
    expect(refused.rawMessage).toContain("is paused");
    await agents.updateAgent({ agentId: "rpc-agent", paused: false });
    c.fake.enqueue(reply.text("rpc answer"));
    const answered = await chat.sendMessage({ chat: { text: "hi", agentId: "rpc-agent" } });
    expect(answered.response).toBe("rpc answer");
    expect(c.fake.requests[0]!.messages[0]).toEqual({ role: "system", content: "Now different." });

    expect((await rejection(agents.getAgent({ agentId: "nobody" }))).code).toBe(Code.NotFound);
    expect((await rejection(agents.updateAgent({ agentId: "nobody", paused: true }))).code).toBe(Code.NotFound);
    expect((await rejection(agents.createAgent({ id: "Bad Id" }))).code).toBe(Code.InvalidArgument);
    expect((await rejection(agents.createAgent({ id: "x", modelConfigId: "nope" }))).code).toBe(Code.InvalidArgument);
    expect((await rejection(agents.createAgent({ id: "rpc-agent" }))).code).toBe(Code.AlreadyExists);
    expect((await rejection(agents.deleteAgent({ agentId: "default" }))).code).toBe(Code.FailedPrecondition);

    const deleted = await agents.deleteAgent({ agentId: "rpc-agent", preserveConversation: false });
    expect(deleted).toMatchObject({ agentId: "rpc-agent", conversationPreserved: false });
    expect((await rejection(agents.getAgent({ agentId: "rpc-agent" }))).code).toBe(Code.NotFound);
    expect((await rejection(agents.deleteAgent({ agentId: "rpc-agent" }))).code).toBe(Code.NotFound);
    expect((await rejection(chat.sendMessage({ chat: { text: "hi", agentId: "rpc-agent" } }))).code).toBe(
      Code.NotFound,
    );
  });
});
