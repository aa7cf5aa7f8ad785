import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { AgentService } from "../gen/floe/v1/agent_pb.js";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import type { Event } from "../gen/floe/v1/events_pb.js";
import { collect, kinds } from "./support/chat-env.js";
import { type CompatEnv, createCompatEnv } from "./support/compat-env.js";
import { type Reply, reply } from "./support/fake-openai.js";

const any = (t: unknown) => expect.any(t as never);

const CHILD = "researcher";
const CHILD_PROMPT = "You are the researcher.";

function clients(c: CompatEnv) {
  const transport = createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" });
  return { agents: createClient(AgentService, transport), chat: createClient(ChatService, transport) };
}

/** A compat server with a child agent on its own model and prompt. */
async function withChild(): Promise<CompatEnv> {
  const c = await createCompatEnv();
  const created = await c.call("POST", "/api/v1/agents", {
    id: CHILD,
    model_config_id: "claude-3-sonnet",
    system_prompt: CHILD_PROMPT,
  });
  expect(created.status).toBe(200);
  return c;
}

/** True for a model request made by the child agent (its system prompt). */
const fromChild = (body: Record<string, any>) => body.messages[0]?.content === CHILD_PROMPT;

/** The parent's model delegates once, then answers with what the tool returned. */
function parentDelegates(task: string, final: (toolResult: string) => string) {
  return (body: Record<string, any>): Reply | undefined => {
    const last = body.messages.at(-1);
    if (last.role === "tool") return reply.text(final(String(last.content)));
    return reply.toolCalls([{ name: "delegate", args: { agent_id: CHILD, content: task }, id: "call_delegate" }]);
  };
}

/** Every stored event of a conversation, once the runs live at subscribe time have ended. */
async function conversationEvents(c: CompatEnv, conversationId: string): Promise<Event[]> {
  const all = await collect(clients(c).chat.subscribe({ conversationId, afterSeq: 0n, endAfterLiveRuns: true }));
  return all.filter((e) => e.kind.case !== "snapshot");
}

async function poll<T>(what: string, probe: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((f) => setTimeout(f, 25));
  }
}

/** The child's sessions, once it has `n`. */
async function childSessions(c: CompatEnv, n = 1): Promise<{ id: string; message_count: number }[]> {
  return poll(`${n} session(s) of ${CHILD}`, async () => {
    const res = await c.call("GET", `/api/v1/agents/${CHILD}/sessions`);
    return res.body.sessions.length >= n ? res.body.sessions : undefined;
  });
}

describe("delegation between agents", () => {
  let c: CompatEnv;
  afterEach(async () => c?.cleanup());

  it("delegates over POST /agents/{id}/delegate with wait=true and tags the child's events with the path and cause", async () => {
    c = await withChild();
    c.fake.respond((body) => (fromChild(body) ? reply.text("The bug is on line 3.") : undefined));
    const res = await c.call("POST", `/api/v1/agents/${CHILD}/delegate`, {
      content: "Find the bug in main.py",
      parent: "default",
      channel: "dev-room",
      metadata: { ticket: 7 },
      wait: true,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: "delegated",
      agent_id: CHILD,
      parent: "default",
      run_id: any(String),
      conversation_id: any(String),
      result: { response: "The bug is on line 3.", status: "completed" },
    });
    expect(res.body.result.run_id).toBe(res.body.run_id);
    expect(res.body.result.conversation_id).toBe(res.body.conversation_id);

    // The child ran on its own model and prompt, with the task, its channel and its metadata.
    expect(c.fake.requests).toHaveLength(1);
    const sent = c.fake.requests[0]!;
    expect(sent.model).toBe("anthropic/claude-3-sonnet-20240229");
    expect(sent.messages[0]).toEqual({ role: "system", content: CHILD_PROMPT });
    const task = sent.messages.at(-1);
    expect(task.role).toBe("user");
    expect(task.content).toContain("Find the bug in main.py");
    expect(task.content).toContain("default");
    expect(task.content).toContain("dev-room");
    expect(JSON.stringify(sent.messages)).toContain('\\"ticket\\": 7');

    const events = await conversationEvents(c, res.body.conversation_id);
    expect(kinds(events)[0]).toBe("start");
    expect(kinds(events).at(-1)).toBe("complete");
    for (const e of events) {
      expect(e.agentPath, `${e.kind.case} #${e.seq}`).toEqual(["default", CHILD]);
      expect(e.runId).toBe(res.body.run_id);
      expect(e.agentId).toBe(CHILD);
    }
    const start = events[0]!;
    expect(start.kind.case).toBe("start");
    if (start.kind.case !== "start") return;
    expect(start.kind.value.cause).toMatchObject({ kind: "delegated", fromAgent: "default", channel: "dev-room" });
    expect(start.kind.value.parentRunId).toBe("");
    expect(start.kind.value.model).toBe("anthropic/claude-3-sonnet-20240229");

    // The child's session holds the task and the answer.
    const sessions = await c.call("GET", `/api/v1/agents/${CHILD}/sessions`);
    expect(sessions.body.sessions).toEqual([
      { id: res.body.conversation_id, created_at: any(String), updated_at: any(String), message_count: 2 },
    ]);
    const history = await c.call("GET", `/api/v1/agents/${CHILD}/sessions/${res.body.conversation_id}/history`);
    expect(history.body.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant"]);
    expect(history.body.messages[1].content).toBe("The bug is on line 3.");
  });

  it("answers at once without wait and runs the child in the background", async () => {
    c = await withChild();
    c.fake.respond((body) => (fromChild(body) ? reply.text("done later", { delayMs: 20 }) : undefined));
    const res = await c.call("POST", `/api/v1/agents/${CHILD}/delegate`, { content: "Take your time" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "delegated", agent_id: CHILD, parent: "default", result: null });
    const events = await conversationEvents(c, res.body.conversation_id);
    expect(events.at(-1)!.kind).toMatchObject({ case: "complete", value: { response: "done later" } });
  });

  it("delegates through the Connect client", async () => {
    c = await withChild();
    c.fake.respond((body) => (fromChild(body) ? reply.text("rpc child answer") : undefined));
    const { agents } = clients(c);
    const res = await agents.delegateTask({ agentId: CHILD, content: "Over RPC", wait: true });
    expect(res).toMatchObject({ status: "delegated", agentId: CHILD, parent: "default" });
    expect(res.result?.response).toBe("rpc child answer");
    expect(res.runId).not.toBe("");
    const unknown = await agents.delegateTask({ agentId: "nobody", content: "x" }).catch((e: unknown) => e);
    expect(ConnectError.from(unknown).code).toBe(Code.NotFound);
    const empty = await agents.delegateTask({ agentId: CHILD, content: "" }).catch((e: unknown) => e);
    expect(ConnectError.from(empty).code).toBe(Code.InvalidArgument);
  });

  it("lets the parent's model delegate with the delegate tool and use the child's answer", async () => {
    c = await withChild();
    c.fake.respond((body) =>
      fromChild(body)
        ? reply.text("The answer is 42.")
        : parentDelegates("What is the answer?", (result) => `My researcher says: ${result}`)(body),
    );
    const { chat } = clients(c);
    const events = await collect(chat.streamMessage({ chat: { text: "Ask the researcher for the answer." } }));
    const start = events[0]!;
    expect(start.kind.case).toBe("start");
    const parentRunId = start.runId;

    const toolStart = events.find((e) => e.kind.case === "toolStart")!;
    expect(toolStart.kind).toMatchObject({ value: { name: "delegate", toolCallId: "call_delegate" } });
    const toolComplete = events.find((e) => e.kind.case === "toolComplete")!;
    expect(toolComplete.kind).toMatchObject({ value: { name: "delegate", success: true } });
    if (toolComplete.kind.case !== "toolComplete") return;
    expect(toolComplete.kind.value.resultPreview).toContain("The answer is 42.");
    expect(events.at(-1)!.kind).toMatchObject({
      case: "complete",
      value: { response: "My researcher says: The answer is 42." },
    });
    // The parent's own events are not delegated: no path.
    for (const e of events) expect(e.agentPath).toEqual([]);

    // Three model calls: the parent's tool call, the child, the parent's answer with the child's result.
    expect(c.fake.requests).toHaveLength(3);
    expect(c.fake.requests.filter(fromChild)).toHaveLength(1);
    const child = c.fake.requests.find(fromChild)!;
    expect(child.model).toBe("anthropic/claude-3-sonnet-20240229");
    expect(child.messages.at(-1).content).toContain("What is the answer?");
    const parentFinal = c.fake.requests.at(-1)!;
    expect(parentFinal.model).toBe("openai/gpt-4");
    expect(parentFinal.messages.at(-1)).toMatchObject({
      role: "tool",
      tool_call_id: "call_delegate",
      content: expect.stringContaining("The answer is 42."),
    });

    // The child's run names its parent run, its path and its cause.
    const [session] = await childSessions(c);
    const childEvents = await conversationEvents(c, session!.id);
    const childStart = childEvents[0]!;
    expect(childStart.kind).toMatchObject({
      case: "start",
      value: { parentRunId, cause: { kind: "delegated", fromAgent: "default" } },
    });
    for (const e of childEvents) expect(e.agentPath, `${e.kind.case} #${e.seq}`).toEqual(["default", CHILD]);
    expect(childEvents.at(-1)!.kind).toMatchObject({ case: "complete", value: { response: "The answer is 42." } });
  });

  it("cancels the child's run when the parent's run is cancelled", async () => {
    c = await withChild();
    c.fake.respond((body) =>
      fromChild(body) ? reply.hang(20_000) : parentDelegates("Take forever.", (r) => `unexpected: ${r}`)(body),
    );
    const { chat } = clients(c);
    const parentStream = chat.streamMessage({ chat: { text: "Delegate something slow." } })[Symbol.asyncIterator]();
    const first = await parentStream.next();
    expect(first.value?.event?.kind.case).toBe("start");
    const parentRunId = first.value!.event!.runId;
    const parentRest = (async () => {
      const rest: Event[] = [];
      for (let r = await parentStream.next(); !r.done; r = await parentStream.next())
        if (r.value.event && r.value.event.kind.case !== "heartbeat") rest.push(r.value.event);
      return rest;
    })();

    // The child's run is live, waiting on its model.
    const [session] = await childSessions(c);
    const childConversation = session!.id;
    const stop = new AbortController();
    let childStart: Event | undefined;
    const follow = chat.subscribe({ conversationId: childConversation, afterSeq: 0n }, { signal: stop.signal });
    for await (const r of follow) {
      if (r.event?.kind.case === "start") {
        childStart = r.event;
        break;
      }
    }
    stop.abort();
    expect(childStart?.kind).toMatchObject({
      case: "start",
      value: { parentRunId, cause: { kind: "delegated", fromAgent: "default" } },
    });
    expect(childStart!.agentPath).toEqual(["default", CHILD]);
    await poll("the child's model request", async () => (c.fake.requests.some(fromChild) ? true : undefined));

    const cancelled = await chat.cancelRun({ runId: parentRunId });
    expect(cancelled).toMatchObject({ runId: parentRunId, status: "cancelled", cancelled: true });
    const rest = await parentRest;
    expect(rest.at(-1)!.kind.case).toBe("cancelled");

    const childEvents = await conversationEvents(c, childConversation);
    expect(childEvents[0]!.runId).toBe(childStart!.runId);
    expect(kinds(childEvents).at(-1)).toBe("cancelled");
    expect(kinds(childEvents).filter((k) => k === "cancelled" || k === "complete" || k === "error")).toEqual([
      "cancelled",
    ]);
    expect(childEvents.at(-1)!.agentPath).toEqual(["default", CHILD]);
    // The child's upstream request was abandoned, not left hanging.
    await poll("the child's model request to close", async () => (c.fake.open() === 0 ? true : undefined));
  });

  it("refuses delegations to an unknown agent or parent (404), to itself and to a paused agent (409)", async () => {
    c = await withChild();
    const delegate = (agent: string, body: Record<string, unknown>) =>
      c.call("POST", `/api/v1/agents/${agent}/delegate`, body);

    const unknown = await delegate("nobody", { content: "hello" });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ detail: expect.stringContaining('agent "nobody" not found') });

    const unknownParent = await delegate(CHILD, { content: "hello", parent: "ghost" });
    expect(unknownParent.status).toBe(404);
    expect(unknownParent.body.detail).toContain('"ghost"');

    const self = await delegate(CHILD, { content: "hello", parent: CHILD });
    expect(self.status).toBe(409);
    expect(self.body.detail).toContain("delegation cycle");

    expect((await c.call("PATCH", `/api/v1/agents/${CHILD}`, { paused: true })).body.paused).toBe(true);
    const paused = await delegate(CHILD, { content: "hello", wait: true });
    expect(paused.status).toBe(409);
    expect(paused.body).toEqual({ detail: expect.stringContaining(`agent "${CHILD}" is paused`) });
    expect(c.fake.requests).toHaveLength(0);
    expect((await c.call("GET", `/api/v1/agents/${CHILD}/sessions`)).body.sessions).toEqual([]);

    // Resumed, it takes the task.
    await c.call("PATCH", `/api/v1/agents/${CHILD}`, { paused: false });
    const resumed = await delegate(CHILD, { content: "hello", wait: true });
    expect(resumed.status).toBe(200);
    expect(resumed.body.result.response).toBe("ok");
  });

  it.each([
    ["no content", {}],
    ["empty content", { content: "" }],
    ["blank content", { content: "   " }],
  ])("refuses a delegation with %s: 422 naming content, as every missing required field is", async (_what, body) => {
    c = await withChild();
    const missing = await c.call("POST", `/api/v1/agents/${CHILD}/delegate`, body);
    expect(missing.body).toEqual({
      detail: [{ loc: ["body", "content"], msg: "field required", type: "value_error.missing" }],
    });
    expect(missing.status).toBe(422);
    expect(c.fake.requests).toHaveLength(0);
    expect((await c.call("GET", `/api/v1/agents/${CHILD}/sessions`)).body.sessions).toEqual([]);
  });

  it("reports the child's answer to the parent as a status message with report_to_parent", async () => {
    c = await withChild();
    c.fake.respond((body) => (fromChild(body) ? reply.text("Report: all tests pass.") : reply.text("Noted.")));
    const res = await c.call("POST", `/api/v1/agents/${CHILD}/delegate`, {
      content: "Run the tests",
      parent: "default",
      channel: "ci",
      report_to_parent: true,
      wait: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.result.response).toBe("Report: all tests pass.");

    // The parent wakes in its main conversation and answers the report.
    const messages = await poll("the parent's answer to the report", async () => {
      const h = await c.call("GET", "/api/v1/agents/default/history");
      const m = h.body.messages as { role: string; content: string }[];
      return m.some((x) => x.role === "assistant" && x.content === "Noted.") ? m : undefined;
    });
    const report = messages.find((m) => m.role === "user")!;
    expect(report.content).toContain("Report: all tests pass.");
    expect(report.content).toContain("status");
    expect(report.content).toContain(CHILD);

    const parent = await c.call("GET", "/api/v1/agents/default");
    const mainConversation = parent.body.conversation_id;
    expect(mainConversation).not.toBe("");
    expect(mainConversation).not.toBe(res.body.conversation_id);
    const events = await conversationEvents(c, mainConversation);
    const start = events.find((e) => e.kind.case === "start")!;
    expect(start.kind).toMatchObject({ value: { cause: { kind: "message", fromAgent: CHILD, channel: "ci" } } });
    expect(events.at(-1)!.kind).toMatchObject({ case: "complete", value: { response: "Noted." } });
    const parentRequest = c.fake.requests.find((r) => !fromChild(r))!;
    expect(parentRequest.model).toBe("openai/gpt-4");
    expect(parentRequest.messages.at(-1).content).toContain("Report: all tests pass.");
  });

  it("stores the report in the parent's history as a status message on the delegation's channel", async () => {
    c = await withChild();
    c.fake.respond((body) => (fromChild(body) ? reply.text("Report: built.") : reply.text("Noted.")));
    const res = await c.call("POST", `/api/v1/agents/${CHILD}/delegate`, {
      content: "Build it",
      channel: "ci",
      report_to_parent: true,
      wait: true,
    });
    expect(res.status).toBe(200);
    const messages = await poll("the parent's answer to the report", async () => {
      const h = await c.call("GET", "/api/v1/agents/default/history");
      const m = h.body.messages as { role: string; content: string }[];
      return m.some((x) => x.role === "assistant" && x.content === "Noted.") ? m : undefined;
    });
    const report = messages.find((m) => m.role === "user" && m.content.includes("Report: built."));
    // ChatMessage.message_type and .channel say how a message arrived: a status report on channel ci.
    expect(report).toMatchObject({ message_type: "status", channel: "ci" });
    const main = (await c.call("GET", "/api/v1/agents/default")).body.conversation_id;
    const byType = await c.call("GET", `/api/v1/conversations/${main}/history?message_type=status`);
    expect(byType.body.messages.map((m: { content: string }) => m.content)).toEqual([report!.content]);
    const byChannel = await c.call("GET", `/api/v1/conversations/${main}/history?channel=ci`);
    expect(byChannel.body.messages.map((m: { content: string }) => m.content)).toContain(report!.content);
  });

  it("reports a failed child run to the parent with its cause", async () => {
    c = await withChild();
    c.fake.respond((body) => (fromChild(body) ? reply.httpError(500, "upstream exploded") : reply.text("Noted.")));
    const res = await c.call("POST", `/api/v1/agents/${CHILD}/delegate`, {
      content: "Try something",
      report_to_parent: true,
      wait: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ status: "error", error: { message: expect.stringContaining("exploded") } });
    const messages = await poll("the parent's answer to the failure report", async () => {
      const h = await c.call("GET", "/api/v1/agents/default/history");
      const m = h.body.messages as { role: string; content: string }[];
      return m.some((x) => x.role === "assistant" && x.content === "Noted.") ? m : undefined;
    });
    const report = messages.find((m) => m.role === "user")!;
    expect(report.content).toContain("ended with status error");
    expect(report.content).toContain("upstream exploded");
  });

  it("runs concurrent delegations to one agent, each in its own session", async () => {
    c = await withChild();
    c.fake.respond((body) => {
      if (!fromChild(body)) return undefined;
      const task = String(body.messages.at(-1).content);
      return reply.text(task.includes("alpha") ? "answer alpha" : "answer beta", { delayMs: 10 });
    });
    const [a, b] = await Promise.all(
      ["alpha", "beta"].map((t) =>
        c.call("POST", `/api/v1/agents/${CHILD}/delegate`, { content: `task ${t}`, wait: true }),
      ),
    );
    expect(a!.body.result.response).toBe("answer alpha");
    expect(b!.body.result.response).toBe("answer beta");
    expect(a!.body.conversation_id).not.toBe(b!.body.conversation_id);
    const sessions = await c.call("GET", `/api/v1/agents/${CHILD}/sessions`);
    expect(sessions.body.sessions.map((s: { id: string }) => s.id).sort()).toEqual(
      [a!.body.conversation_id, b!.body.conversation_id].sort(),
    );
  });

  it("refuses a delegation back up the path: the child's delegate call to its parent fails as a tool error", async () => {
    c = await withChild();
    c.fake.respond((body) => {
      const last = body.messages.at(-1);
      if (fromChild(body)) {
        if (last.role === "tool") return reply.text(`child saw: ${last.content}`);
        return reply.toolCalls([{ name: "delegate", args: { agent_id: "default", content: "you do it" } }]);
      }
      return parentDelegates("Please handle this.", (r) => `parent saw: ${r}`)(body);
    });
    const events = await collect(clients(c).chat.streamMessage({ chat: { text: "go" } }));
    const final = events.at(-1)!;
    expect(final.kind.case).toBe("complete");
    if (final.kind.case !== "complete") return;
    expect(final.kind.value.response).toContain("parent saw: child saw:");
    expect(final.kind.value.response).toContain("delegation cycle");
    // Two runs only: the parent's and the child's; the cycle started nothing.
    const childTool = c.fake.requests.filter(fromChild).at(-1)!.messages.at(-1);
    expect(childTool.role).toBe("tool");
    expect(childTool.content).toContain("default -> researcher -> default");
    const [session] = await childSessions(c);
    const childEvents = await conversationEvents(c, session!.id);
    expect(childEvents.find((e) => e.kind.case === "toolComplete")!.kind).toMatchObject({
      value: { name: "delegate", success: false },
    });
    expect((await c.call("GET", "/api/v1/agents/default/sessions")).body.sessions).toHaveLength(1);
  });
});
