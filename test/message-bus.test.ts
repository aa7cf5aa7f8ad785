import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import type { Event } from "../gen/floe/v1/events_pb.js";
import { MessageService } from "../gen/floe/v1/message_pb.js";
import { type ChatEnv, collect, createChatEnv } from "./support/chat-env.js";
import { type Reply, reply } from "./support/fake-openai.js";
import { connectWs, type Frame } from "./support/ws-client.js";
import { restCall, until } from "./support/rest.js";

type Body = Record<string, any>;

/** The system prompt of a model request. */
const systemOf = (body: Body): string => String(body.messages?.[0]?.content ?? "");
/** The content of the last user message of a model request. */
const lastUser = (body: Body): string =>
  String([...(body.messages ?? [])].reverse().find((m: Body) => m.role === "user")?.content ?? "");

describe("the message bus: /api/v1/messages* and MessageService", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  const call = (method: string, path: string, body?: unknown) => restCall(c.server.url, method, path, body);
  const createAgent = async (id: string, systemPrompt: string) => {
    const res = await call("POST", "/api/v1/agents", { id, system_prompt: systemPrompt });
    expect(res.status).toBe(200);
    return res.body!;
  };
  const events = () => connectWs(`${c.server.url.replace("http", "ws")}/api/v1/events/ws`);
  /** The agent's run ended: its final answer (an assistant message without tool calls) is stored. */
  const answered = async (agentId: string, count = 1) =>
    until(async () => {
      const h = await call("GET", `/api/v1/agents/${agentId}/history`);
      return (
        (h.body?.messages ?? []).filter((m: Body) => m.role === "assistant" && !m.tool_calls?.length).length >= count
      );
    }, `${count} answer(s) of ${agentId}`);
  const requestsFor = (systemPrompt: string) => c.fake.requests.filter((r) => systemOf(r) === systemPrompt);

  it("routes a message to an agent: a receipt with its run, and the agent's run sees the content", async () => {
    c = await createChatEnv();
    await createAgent("worker", "You are worker.");
    c.fake.respond((b) => (systemOf(b) === "You are worker." ? reply.text("worker got it") : undefined));
    const res = await call("POST", "/api/v1/messages", { recipient: "worker", content: "please review PR 7" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: "sent",
      message_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      recipient: "worker",
      run_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    await answered("worker");
    const seen = requestsFor("You are worker.");
    expect(seen).toHaveLength(1);
    expect(lastUser(seen[0]!)).toBe("Message from the human:\nplease review PR 7");

    // The run happened in the agent's main conversation, under the receipt's run id.
    const agent = await call("GET", "/api/v1/agents/worker");
    const conversationId = agent.body!.conversation_id as string;
    expect(conversationId).not.toBe("");
    const log = await collect(c.chat.subscribe({ conversationId, endAfterLiveRuns: true }));
    const start = log.find((e) => e.kind.case === "start")!;
    expect(start.runId).toBe(res.body!.run_id);
    expect(start.agentId).toBe("worker");
    expect(start.kind.case === "start" && start.kind.value.cause).toMatchObject({
      kind: "message",
      fromAgent: "human",
      messageId: res.body!.message_id,
    });
    const done = log.find((e) => e.kind.case === "complete")!;
    expect(done.kind.case === "complete" && done.kind.value.response).toBe("worker got it");
  });

  it("names the channel and the message type in the woken agent's user message", async () => {
    c = await createChatEnv();
    await createAgent("worker", "You are worker.");
    const res = await call("POST", "/api/v1/messages", {
      recipient: "worker",
      sender: "default",
      content: "deploy now",
      message_type: "action",
      channel: "ops",
    });
    expect(res.status).toBe(200);
    await answered("worker");
    expect(lastUser(requestsFor("You are worker.")[0]!)).toBe(
      "action message from agent default on channel ops:\ndeploy now",
    );
  });

  it("routes a message to the human: no run, no model call, and a human_message on the event WebSocket", async () => {
    c = await createChatEnv();
    await createAgent("worker", "You are worker.");
    const ws = await events();
    await ws.until((f) => f.some((x) => x.event === "snapshot"));
    const res = await call("POST", "/api/v1/messages", {
      recipient: "human",
      sender: "worker",
      content: "I need a decision",
      channel: "review",
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "sent", message_id: expect.any(String), recipient: "human", run_id: "" });
    await ws.until((f) => f.some((x) => x.event === "human_message"));
    const frames = ws.frames.filter((f) => f.event !== "heartbeat" && f.event !== "snapshot");
    expect(frames.map((f) => f.event)).toEqual(["bus.message", "human_message"]);
    const [bus, human] = frames as (Frame & { cursor: number })[];
    expect(bus!.data).toMatchObject({
      sender: "worker",
      recipient: "human",
      content: "I need a decision",
      message_type: "message",
      channel: "review",
      agent_id: "worker",
    });
    expect(human!.data).toMatchObject({
      sender: "worker",
      content: "I need a decision",
      message_type: "message",
      channel: "review",
    });
    expect(human!.cursor).toBe(bus!.cursor + 1);
    ws.ws.close();
    // Give a (wrong) run time to show itself.
    await new Promise((r) => setTimeout(r, 200));
    expect(c.fake.requests).toHaveLength(0);
    expect(c.server.app.runs.all()).toHaveLength(0);
  });

  it("sends to an agent with /messages/to-agent (agent_id) and publishes the bus message", async () => {
    c = await createChatEnv();
    await createAgent("worker", "You are worker.");
    const ws = await events();
    await ws.until((f) => f.some((x) => x.event === "snapshot"));
    const res = await call("POST", "/api/v1/messages/to-agent", { agent_id: "worker", content: "run the tests" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "sent", recipient: "worker", run_id: expect.any(String) });
    expect(res.body!.run_id).not.toBe("");
    await answered("worker");
    expect(lastUser(requestsFor("You are worker.")[0]!)).toBe("Message from the human:\nrun the tests");
    await ws.until((f) => f.some((x) => x.event === "bus.message"));
    const bus = ws.frames.find((f) => f.event === "bus.message")!;
    expect(bus.data).toMatchObject({ sender: "human", recipient: "worker", content: "run the tests" });
    // Not to the human: no human_message. The message is on the feed before the run it caused.
    await ws.until((f) => f.filter((x) => x.event === "message").length >= 2);
    expect(ws.frames.some((f) => f.event === "human_message")).toBe(false);
    const stored = ws.frames.filter((f) => (f as { cursor?: number }).cursor !== undefined);
    expect(stored.map((f) => (f.event === "message" ? `message:${f.data.role}` : f.event))).toEqual([
      "bus.message",
      "message:user",
      "message:assistant",
    ]);
    expect(stored[1]!.data).toMatchObject({
      run_id: res.body!.run_id,
      agent_id: "worker",
      content: "Message from the human:\nrun the tests",
    });
    ws.ws.close();
  });

  it("sends an agent's message to the human with /messages/to-human (agent_id or sender; default otherwise)", async () => {
    c = await createChatEnv();
    await createAgent("worker", "You are worker.");
    const ws = await events();
    await ws.until((f) => f.some((x) => x.event === "snapshot"));
    const byAgentId = await call("POST", "/api/v1/messages/to-human", { agent_id: "worker", content: "one" });
    const bySender = await call("POST", "/api/v1/messages/to-human", { sender: "worker", content: "two" });
    const byNobody = await call("POST", "/api/v1/messages/to-human", { content: "three", message_type: "status" });
    for (const r of [byAgentId, bySender, byNobody]) {
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ status: "sent", recipient: "human", run_id: "" });
    }
    await ws.until((f) => f.filter((x) => x.event === "human_message").length === 3);
    const human = ws.frames.filter((f) => f.event === "human_message").map((f) => f.data);
    expect(human.map((d) => [d.sender, d.content, d.message_type])).toEqual([
      ["worker", "one", "message"],
      ["worker", "two", "message"],
      ["default", "three", "status"],
    ]);
    expect(c.fake.requests).toHaveLength(0);
    ws.ws.close();
  });

  it("delivers the human's reply with /messages/human-reply: the agent's run starts with cause human_reply", async () => {
    c = await createChatEnv();
    await createAgent("worker", "You are worker.");
    const res = await call("POST", "/api/v1/messages/human-reply", {
      agent_id: "worker",
      content: "yes, go ahead",
      channel: "review",
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "sent", recipient: "worker" });
    await answered("worker");
    expect(lastUser(requestsFor("You are worker.")[0]!)).toBe(
      "Message from the human on channel review:\nyes, go ahead",
    );
    const agent = await call("GET", "/api/v1/agents/worker");
    const conversationId = agent.body!.conversation_id as string;
    const log: Event[] = await collect(c.chat.subscribe({ conversationId, endAfterLiveRuns: true }));
    const starts = log.filter((e) => e.kind.case === "start");
    expect(starts).toHaveLength(1);
    expect(starts[0]!.runId).toBe(res.body!.run_id);
    const cause = starts[0]!.kind.case === "start" ? starts[0]!.kind.value.cause : undefined;
    expect(cause).toMatchObject({
      kind: "human_reply",
      fromAgent: "human",
      messageId: res.body!.message_id,
      channel: "review",
    });
  });

  it("queues a second message behind the agent's active run, in its main conversation", async () => {
    c = await createChatEnv();
    await createAgent("worker", "You are worker.");
    c.fake.enqueue(reply.text("first answer", { chunkSize: 2, delayMs: 30 }), reply.text("second answer"));
    const one = await call("POST", "/api/v1/messages", { recipient: "worker", content: "first" });
    const two = await call("POST", "/api/v1/messages", { recipient: "worker", content: "second" });
    expect(one.body!.run_id).not.toBe(two.body!.run_id);
    await answered("worker", 2);
    const seen = requestsFor("You are worker.");
    expect(seen).toHaveLength(2);
    // The second run saw the first exchange: same conversation, after it ended.
    expect(seen[1]!.messages.map((m: Body) => [m.role, m.content])).toEqual([
      ["system", "You are worker."],
      ["user", "Message from the human:\nfirst"],
      ["assistant", "first answer"],
      ["user", "Message from the human:\nsecond"],
    ]);
  });

  it("refuses bad input on Penguin (422, 400, 404, 409) and Connect (invalid_argument, not_found) without storing anything", async () => {
    c = await createChatEnv();
    await createAgent("worker", "You are worker.");
    const ws = await events();
    await ws.until((f) => f.some((x) => x.event === "snapshot"));

    const noContent = await call("POST", "/api/v1/messages", { recipient: "worker" });
    expect(noContent.status).toBe(422);
    expect(noContent.body).toEqual({
      detail: [{ loc: ["body", "content"], msg: "field required", type: "value_error.missing" }],
    });
    const blank = await call("POST", "/api/v1/messages", { recipient: "worker", content: "   " });
    expect(blank.status).toBe(422);
    expect(blank.body!.detail).toEqual([
      { loc: ["body", "content"], msg: "field required", type: "value_error.missing" },
    ]);
    const badType = await call("POST", "/api/v1/messages", {
      recipient: "worker",
      content: "x",
      message_type: "shout",
    });
    // A missing field is 422 (as FastAPI answers it), a value that is not accepted 400.
    expect(badType.status).toBe(400);
    expect(badType.body!.detail).toBe('message_type must be message, action or status, got "shout"');
    const badSender = await call("POST", "/api/v1/messages", { recipient: "worker", sender: "ghost", content: "x" });
    expect(badSender.status).toBe(400);
    expect(badSender.body!.detail).toBe('sender names no agent: "ghost" (an agent id, or "human")');
    const noRecipient = await call("POST", "/api/v1/messages", { content: "x" });
    expect(noRecipient.status).toBe(422);
    expect(noRecipient.body!.detail).toEqual([
      { loc: ["body", "recipient"], msg: "field required", type: "value_error.missing" },
    ]);
    const ghost = await call("POST", "/api/v1/messages", { recipient: "ghost", content: "x" });
    expect(ghost.status).toBe(404);
    expect(ghost.body!.detail).toBe('agent "ghost" not found: list agents with GET /api/v1/agents');
    const ghostDirect = await call("POST", "/api/v1/messages/to-agent", { agent_id: "ghost", content: "x" });
    expect(ghostDirect.status).toBe(404);
    const noAgent = await call("POST", "/api/v1/messages/to-agent", { content: "x" });
    expect(noAgent.status).toBe(422);
    expect(noAgent.body!.detail).toEqual([
      { loc: ["body", "agent_id"], msg: "field required", type: "value_error.missing" },
    ]);
    const noReplyAgent = await call("POST", "/api/v1/messages/human-reply", { content: "x" });
    expect(noReplyAgent.status).toBe(422);
    const wrongType = await call("POST", "/api/v1/messages", { recipient: "worker", content: 5 });
    expect(wrongType.status).toBe(422);
    // A paused agent takes no message (409, with the PATCH that resumes it).
    expect((await call("PATCH", "/api/v1/agents/worker", { paused: true })).status).toBe(200);
    const paused = await call("POST", "/api/v1/messages", { recipient: "worker", content: "x" });
    expect(paused.status).toBe(409);
    expect(paused.body!.detail).toContain('agent "worker" is paused');

    const messages = createClient(MessageService, createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }));
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => Code.Unknown + 100,
        (e) => ConnectError.from(e).code,
      );
    expect(await codeOf(messages.routeMessage({ message: { recipient: "worker", content: "" } }))).toBe(
      Code.InvalidArgument,
    );
    expect(
      await codeOf(messages.routeMessage({ message: { recipient: "worker", content: "x", messageType: "shout" } })),
    ).toBe(Code.InvalidArgument);
    expect(await codeOf(messages.routeMessage({ message: { recipient: "ghost", content: "x" } }))).toBe(Code.NotFound);
    expect(await codeOf(messages.sendToAgent({ agentId: "ghost", message: { content: "x" } }))).toBe(Code.NotFound);

    // Nothing refused reached the feed, the model or the telemetry.
    await new Promise((r) => setTimeout(r, 200));
    expect(ws.frames.filter((f) => f.event !== "snapshot" && f.event !== "heartbeat")).toEqual([]);
    expect(c.fake.requests).toHaveLength(0);
    const t = await call("GET", "/api/v1/telemetry");
    expect(Object.values(t.body!.agents).map((a: any) => a.messages_sent)).toEqual(
      Object.values(t.body!.agents).map(() => 0),
    );
    ws.ws.close();
  });

  it("routes through the Connect MessageService with the same receipts", async () => {
    c = await createChatEnv();
    await createAgent("worker", "You are worker.");
    const messages = createClient(MessageService, createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }));
    const toAgent = await messages.sendToAgent({ agentId: "worker", message: { content: "via connect" } });
    expect(toAgent.receipt).toMatchObject({ status: "sent", recipient: "worker" });
    expect(toAgent.receipt!.runId).not.toBe("");
    const toHuman = await messages.sendToHuman({ message: { sender: "worker", content: "done" } });
    expect(toHuman.receipt).toMatchObject({ status: "sent", recipient: "human", runId: "" });
    await answered("worker");
    expect(lastUser(requestsFor("You are worker.")[0]!)).toBe("Message from the human:\nvia connect");
  });

  it("lets an agent's model call send_message: the recipient agent wakes with the message", async () => {
    c = await createChatEnv();
    await createAgent("alice", "You are alice.");
    await createAgent("bob", "You are bob.");
    c.fake.respond((b): Reply | undefined => {
      if (systemOf(b) === "You are alice.") {
        const last = b.messages.at(-1);
        if (last.role === "tool") return reply.text("alice: sent it");
        return reply.toolCalls([
          { name: "send_message", args: { recipient: "bob", content: "bob, please check the build", channel: "ci" } },
        ]);
      }
      if (systemOf(b) === "You are bob.") return reply.text("bob: build is green");
      return undefined;
    });
    const res = await call("POST", "/api/v1/messages/to-agent", { agent_id: "alice", content: "tell bob" });
    expect(res.status).toBe(200);
    await answered("alice");
    await answered("bob");
    const bob = requestsFor("You are bob.");
    expect(bob).toHaveLength(1);
    expect(lastUser(bob[0]!)).toBe("Message from agent alice on channel ci:\nbob, please check the build");
    // Alice's tool result is the receipt naming bob's run.
    const alice = requestsFor("You are alice.");
    expect(alice).toHaveLength(2);
    expect(alice[1]!.messages.at(-1)).toMatchObject({
      role: "tool",
      content: expect.stringMatching(/^message [0-9a-f-]{36} sent to bob \(run [0-9a-f-]{36}\)$/),
    });
    // Bob's run says who woke it.
    const bobConv = (await call("GET", "/api/v1/agents/bob")).body!.conversation_id as string;
    const log = await collect(c.chat.subscribe({ conversationId: bobConv, endAfterLiveRuns: true }));
    const start = log.find((e) => e.kind.case === "start")!;
    expect(start.kind.case === "start" && start.kind.value.cause).toMatchObject({
      kind: "message",
      fromAgent: "alice",
      channel: "ci",
    });
    // And the bus counted alice's message.
    const t = await call("GET", "/api/v1/telemetry?agent_id=alice");
    expect(t.body!.agents.alice.messages_sent).toBe(1);
  });
  it("send_message to the human publishes a human_message; to itself or to no agent is a tool error, nothing sent", async () => {
    c = await createChatEnv();
    await createAgent("alice", "You are alice.");
    c.fake.respond((b): Reply | undefined => {
      if (systemOf(b) !== "You are alice.") return undefined;
      if (b.messages.at(-1).role === "tool") return reply.text("alice: done");
      return reply.toolCalls([
        { name: "send_message", args: { recipient: "human", content: "a question for you", message_type: "action" } },
        { name: "send_message", args: { recipient: "alice", content: "note to self" } },
        { name: "send_message", args: { recipient: "ghost", content: "anyone?" } },
        { name: "send_message", args: { recipient: "human", content: "x", message_type: "shout" } },
      ]);
    });
    const ws = await events();
    await ws.until((f) => f.some((x) => x.event === "snapshot"));
    await call("POST", "/api/v1/messages/to-agent", { agent_id: "alice", content: "ask the human" });
    await answered("alice");
    const toolResults = requestsFor("You are alice.")[1]!.messages.filter((m: Body) => m.role === "tool");
    expect(toolResults.map((m: Body) => m.content)).toEqual([
      expect.stringMatching(/^message [0-9a-f-]{36} sent to human$/),
      "an agent cannot send a message to itself",
      expect.stringContaining('agent "ghost" not found: list agents with GET /api/v1/agents'),
      'argument "message_type" must be one of message, action, status',
    ]);
    // The model gets the plain message, without the RPC code (numeric or named) in front of it.
    expect(toolResults[2].content).not.toMatch(/\b5: |\[not_found\]/);
    await ws.until((f) => f.some((x) => x.event === "human_message"));
    await new Promise((r) => setTimeout(r, 200));
    const bus = ws.frames.filter((f) => f.event === "bus.message").map((f) => [f.data.sender, f.data.recipient]);
    expect(bus).toEqual([
      ["human", "alice"],
      ["alice", "human"],
    ]);
    const human = ws.frames.filter((f) => f.event === "human_message");
    expect(human.map((f) => [f.data.sender, f.data.content, f.data.message_type])).toEqual([
      ["alice", "a question for you", "action"],
    ]);
    expect(c.fake.requests.every((r) => systemOf(r) === "You are alice.")).toBe(true);
    ws.ws.close();
  });
});
