import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildResumeArray, HttpAgent } from "@ag-ui/client";
import { AGUI_MEDIA_TYPE } from "@ag-ui/encoder";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type ChatEnv, collect, createChatEnv, kinds } from "./support/chat-env.js";
import { type AgUiRun, agentWith, AcceptAgent, RawBodyAgent, runOnce } from "./support/ag-ui-client.js";
import { type FakeOpenAI, reply, startFakeOpenAI } from "./support/fake-openai.js";
import { createTestEnv, DIALECTS, type TestEnv } from "./support/test-server.js";

/** The events of a thread's runs, as the durable log has them (Connect's Subscribe). */
async function logOf(c: ChatEnv, conversationId: string) {
  return collect(c.chat.subscribe({ conversationId, endAfterLiveRuns: true }));
}

describe("AG-UI endpoint, driven by @ag-ui/client's HttpAgent", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  it("a plain chat: text message events carry the upstream's tokens; threadId is the conversation, runId the run", async () => {
    c = await createChatEnv();
    c.fake.enqueue(
      reply.text("Hello from Floe", { chunkSize: 4, usage: [12, 4], delayMs: 15 }),
      reply.text("Second answer"),
    );
    const agent = agentWith({ url: `${c.server.url}/ag-ui`, threadId: "thread-plain" }, "say hello");
    const run = await runOnce(agent, { runId: "client-run-1" });
    expect(run.error).toBeUndefined();
    expect(run.types.filter((t, i) => t !== run.types[i - 1])).toEqual([
      "RUN_STARTED",
      "STATE_SNAPSHOT",
      "TEXT_MESSAGE_START",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_END",
      "RUN_FINISHED",
    ]);
    // Each delta is the upstream's chunks ("Hell", "o fr", "om F", "loe"), one each unless Floe coalesced
    // chunks that arrived in one event-loop turn: every delta ends where an upstream chunk ends.
    const deltas = run.of("TEXT_MESSAGE_CONTENT").map((e) => e.delta as string);
    expect(deltas.join("")).toBe("Hello from Floe");
    const ends = deltas.map((_, i) => deltas.slice(0, i + 1).join("").length);
    expect(ends.every((n) => n % 4 === 0 || n === 15)).toBe(true);
    expect(deltas.length).toBeGreaterThan(1);
    const started = run.of("RUN_STARTED")[0];
    expect(started.protocolVersion).toBe("1.0");
    // Stamped with the Floe event's time.
    expect(Math.abs(started.timestamp - Date.now())).toBeLessThan(60_000);
    const finished = run.of("RUN_FINISHED")[0];
    expect(finished).toMatchObject({
      threadId: "thread-plain",
      runId: started.runId,
      outcome: { type: "success" },
      result: { response: "Hello from Floe", status: "completed" },
      usage: [{ model: "fake-model", inputTokens: 12, outputTokens: 4, totalTokens: 16 }],
    });
    expect(run.of("STATE_SNAPSHOT")[0].snapshot.floe).toEqual({
      conversationId: "thread-plain",
      runId: started.runId,
      agentId: "default",
    });
    // The thread is a Floe conversation (created on first use), and RUN_STARTED names its run.
    const log = await logOf(c, "thread-plain");
    expect(log.find((e) => e.kind.case === "start")!.runId).toBe(started.runId);
    expect(c.fake.requests[0]!.messages.at(-1)).toMatchObject({ role: "user", content: "say hello" });
    expect(agent.messages.at(-1)).toMatchObject({ role: "assistant", content: "Hello from Floe" });

    // The client's runId is the request id: a retry of the same input joins the same run instead of starting one.
    const retry = await runOnce(agentWith({ url: `${c.server.url}/ag-ui`, threadId: "thread-plain" }, "say hello"), {
      runId: "client-run-1",
    });
    expect(retry.of("RUN_STARTED")[0].runId).toBe(started.runId);
    expect(retry.text()).toBe("Hello from Floe");
    expect(c.fake.requests).toHaveLength(1);

    // The next turn sends the client's whole history; Floe answers the last user message from its own.
    agent.addMessage({ id: "u2", role: "user", content: "and again" });
    const second = await runOnce(agent);
    expect(second.text()).toBe("Second answer");
    const sent = c.fake.requests[1]!.messages.filter((m: any) => m.role !== "system");
    expect(sent.map((m: any) => [m.role, m.content])).toEqual([
      ["user", "say hello"],
      ["assistant", "Hello from Floe"],
      ["user", "and again"],
    ]);
  });

  it("answers in AG-UI's protobuf framing when the client's Accept names it, as @ag-ui/encoder negotiates; SSE otherwise", async () => {
    c = await createChatEnv();
    const seen: string[] = [];
    const config = {
      url: `${c.server.url}/ag-ui`,
      fetch: async (u: string, init: RequestInit) => {
        const res = await fetch(u, init);
        seen.push(res.headers.get("content-type")!);
        return res;
      },
    };
    const accepts = [AGUI_MEDIA_TYPE, "*/*", `${AGUI_MEDIA_TYPE};q=0, text/event-stream`];
    const texts: string[] = [];
    for (const accept of accepts) {
      c.fake.enqueue(reply.text("framed answer", { chunkSize: 6 }));
      const agent = new AcceptAgent(config, accept);
      agent.addMessage({ id: "u1", role: "user", content: "hi" });
      const run = await runOnce(agent);
      expect(run.types.at(-1)).toBe("RUN_FINISHED");
      texts.push(run.text());
    }
    // A bare wildcard (curl's default) is SSE, the protocol's default; protobuf only when named and not refused.
    expect(seen).toEqual([AGUI_MEDIA_TYPE, "text/event-stream", "text/event-stream"]);
    expect(texts).toEqual(["framed answer", "framed answer", "framed answer"]);
  });

  it("keeps a quiet run's stream alive with SSE comments, which the client skips", async () => {
    c = await createChatEnv(); // heartbeats every 200 ms
    c.fake.enqueue(reply.stall(["thinking"], 900));
    let raw = "";
    const agent = agentWith(
      {
        url: `${c.server.url}/ag-ui`,
        fetch: async (u, init) => {
          const res = await fetch(u, init);
          const [mine, theirs] = res.body!.tee();
          void new Response(mine).text().then((t) => (raw = t));
          return new Response(theirs, { status: res.status, headers: res.headers });
        },
      },
      "wait a bit",
    );
    const run = await runOnce(agent);
    expect(run.error).toBeUndefined();
    expect(run.text()).toBe("thinking");
    await expect.poll(() => raw.split(": keep-alive\n\n").length - 1).toBeGreaterThanOrEqual(2);
    expect(run.types.at(-1)).toBe("RUN_FINISHED");
  });

  it("a tool call: TOOL_CALL_START/ARGS/END and its RESULT, and the tool really wrote the file", async () => {
    c = await createChatEnv();
    const args = { path: "notes/agui.txt", content: "written over AG-UI" };
    c.fake.enqueue(reply.toolCalls([{ name: "write_file", args }]), reply.text("done"));
    const agent = agentWith({ url: `${c.server.url}/api/v1/ag-ui`, threadId: "thread-tool" }, "write a note");
    const run = await runOnce(agent);
    expect(run.error).toBeUndefined();
    expect(run.types.filter((t) => t.startsWith("TOOL_CALL"))).toEqual([
      "TOOL_CALL_START",
      "TOOL_CALL_ARGS",
      "TOOL_CALL_END",
      "TOOL_CALL_RESULT",
    ]);
    expect(run.of("TOOL_CALL_START")[0]).toMatchObject({ toolCallId: "call_0_write_file", toolCallName: "write_file" });
    expect(JSON.parse(run.text("TOOL_CALL_ARGS"))).toEqual(args);
    expect(run.of("TOOL_CALL_RESULT")[0]).toMatchObject({
      toolCallId: "call_0_write_file",
      role: "tool",
      content: "wrote 18 bytes to notes/agui.txt",
    });
    expect(readFileSync(join(c.server.app.runtime.activeRoot, "notes/agui.txt"), "utf8")).toBe("written over AG-UI");
    expect(run.text()).toBe("done");
    expect(run.types.at(-1)).toBe("RUN_FINISHED");
    // The client's own message list holds the call and its result.
    expect(agent.messages.some((m: any) => m.role === "tool" && m.toolCallId === "call_0_write_file")).toBe(true);
  });

  it("reasoning: REASONING_START, REASONING_MESSAGE_* with the upstream's reasoning, REASONING_END, then the answer", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("42", { reasoning: "Let me think.", chunkSize: 5 }));
    const run = await runOnce(agentWith({ url: `${c.server.url}/ag-ui` }, "the answer?"));
    // Floe coalesces the tokens of one event-loop turn: the content events are runs of one type.
    expect(run.types.filter((t, i) => t !== run.types[i - 1])).toEqual([
      "RUN_STARTED",
      "STATE_SNAPSHOT",
      "REASONING_START",
      "REASONING_MESSAGE_START",
      "REASONING_MESSAGE_CONTENT",
      "REASONING_MESSAGE_END",
      "REASONING_END",
      "TEXT_MESSAGE_START",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_END",
      "RUN_FINISHED",
    ]);
    expect(run.text("REASONING_MESSAGE_CONTENT")).toBe("Let me think.");
    expect(run.text()).toBe("42");
  });

  it("an upstream failure ends the run with RUN_ERROR, the run's own message and code", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.httpError(503, "upstream is down"));
    const run = await runOnce(agentWith({ url: `${c.server.url}/ag-ui`, threadId: "thread-error" }, "hi"));
    expect(run.types).toEqual(["RUN_STARTED", "STATE_SNAPSHOT", "RUN_ERROR"]);
    const error = run.of("RUN_ERROR")[0];
    const terminal = (await logOf(c, "thread-error")).find((e) => e.kind.case === "error")!;
    expect(terminal.kind.value).toMatchObject({ message: error.message, code: error.code });
    expect(error.code).toBe("unavailable");
    expect(error.message).toMatch(/upstream is down/);
  });

  it("abortRun() cancels the run through CancelRun, and the stream ends", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("slow words ".repeat(40), { chunkSize: 5, delayMs: 50 }));
    const agent = agentWith({ url: `${c.server.url}/ag-ui`, threadId: "thread-cancel" }, "talk slowly");
    const run = await runOnce(agent, {}, (e) => {
      if (e.type === "TEXT_MESSAGE_CONTENT") agent.abortRun();
    });
    // The client reports the abort as its own RUN_ERROR (code "abort") and the call returns.
    expect(run.of("RUN_ERROR")[0]).toMatchObject({ code: "abort" });
    const log = await logOf(c, "thread-cancel");
    expect(kinds(log).filter((k) => k === "complete" || k === "cancelled" || k === "error")).toEqual(["cancelled"]);
    const cancelled = log.find((e) => e.kind.case === "cancelled")!;
    expect(cancelled.runId).toBe(run.of("RUN_STARTED")[0].runId);
    // Cancelled by ChatService.CancelRun, the way an explicit cancel is (not a disconnect's own reason).
    expect(cancelled.kind.value).toEqual(expect.objectContaining({ reason: "cancelled by request" }));
    await expect.poll(() => c.fake.open()).toBe(0);
    expect(run.text().length).toBeLessThan("slow words ".repeat(40).length);
  });

  it("a cancel from another client (CancelRun) ends the AG-UI run with RUN_FINISHED and the cancelled outcome", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("slow words ".repeat(40), { chunkSize: 5, delayMs: 50 }));
    const agent = agentWith({ url: `${c.server.url}/ag-ui`, threadId: "thread-cancelled" }, "talk slowly");
    let cancelSent = false;
    const run = await runOnce(agent, {}, (e) => {
      if (e.type !== "TEXT_MESSAGE_CONTENT" || cancelSent) return;
      cancelSent = true;
      void c.chat.cancelRun({ conversationId: "thread-cancelled" });
    });
    expect(run.error).toBeUndefined();
    expect(run.types.slice(-2)).toEqual(["TEXT_MESSAGE_END", "RUN_FINISHED"]);
    expect(run.of("RUN_FINISHED")[0].outcome).toEqual({ type: "cancelled" });
  });

  it.each(DIALECTS)(
    "an approval is an interrupt; a resume answers it and follows the same run, on %s",
    async (dialect) => {
      c = await createChatEnv({ dialect });
      const build = join(c.server.app.runtime.activeRoot, "build");
      mkdirSync(build);
      c.fake.enqueue(
        reply.toolCalls([{ name: "execute_command", args: { command: "rm -rf ./build" } }]),
        reply.text("finished"),
      );
      const agent = agentWith({ url: `${c.server.url}/ag-ui`, threadId: "thread-approval" }, "clean the build");
      const first = await runOnce(agent);
      expect(first.error).toBeUndefined();
      expect(first.types).toEqual([
        "RUN_STARTED",
        "STATE_SNAPSHOT",
        "TOOL_CALL_START",
        "TOOL_CALL_ARGS",
        "TOOL_CALL_END",
        "RUN_FINISHED",
      ]);
      const outcome = first.of("RUN_FINISHED")[0].outcome;
      expect(outcome).toMatchObject({
        type: "interrupt",
        interrupts: [
          {
            id: expect.stringMatching(/^apr_/),
            reason: "tool_approval",
            message: expect.stringMatching(/^Destructive command requires approval/),
            toolCallId: "call_0_execute_command",
            expiresAt: expect.any(String),
            metadata: { toolName: "execute_command", operation: "process.execute", resource: "rm -rf ./build" },
          },
        ],
      });
      // The client holds the interrupt; the Floe run waits (the stream's end did not cancel it), nothing ran.
      expect(agent.pendingInterrupts.map((i) => i.id)).toEqual([outcome.interrupts[0].id]);
      expect(existsSync(build)).toBe(true);
      const id = outcome.interrupts[0].id as string;

      // A payload that is not an answer is RUN_ERROR, and the interrupt stays open.
      const bad = await runOnce(agent, { resume: [{ interruptId: id, status: "resolved", payload: { yes: 1 } }] });
      expect(bad.of("RUN_ERROR")[0]).toMatchObject({ code: "invalid_argument" });
      expect(bad.of("RUN_ERROR")[0].message).toMatch(/resume\.0\.payload\.approved is required/);
      expect(existsSync(build)).toBe(true);
      // The thread is busy while its run waits: a plain new message there is refused, in RUN_ERROR.
      const busy = await runOnce(agentWith({ url: `${c.server.url}/ag-ui`, threadId: "thread-approval" }, "more"));
      expect(busy.of("RUN_ERROR")[0]).toMatchObject({ code: "failed_precondition" });

      const resume = buildResumeArray(agent.pendingInterrupts, {
        [id]: { status: "resolved", payload: { approved: true, scope: "once" } },
      });
      const second = await runOnce(agent, { resume });
      expect(second.error).toBeUndefined();
      expect(second.of("RUN_STARTED")[0].runId).toBe(first.of("RUN_STARTED")[0].runId);
      expect(second.of("STATE_SNAPSHOT")[0].snapshot.floe.pendingApprovals).toEqual([
        { id, toolName: "execute_command", resource: "rm -rf ./build" },
      ]);
      expect(second.of("CUSTOM")[0]).toMatchObject({
        name: "floe.approval_resolved",
        value: { requestId: id, status: "approved", scope: "once" },
      });
      expect(second.of("TOOL_CALL_RESULT")[0]).toMatchObject({ toolCallId: "call_0_execute_command" });
      expect(second.text()).toBe("finished");
      expect(second.of("RUN_FINISHED")[0].outcome).toEqual({ type: "success" });
      // Usage counts a resumed run's own model calls, which Floe does not split from the interrupted part's.
      expect(second.of("RUN_FINISHED")[0].usage).toBeUndefined();
      expect(existsSync(build)).toBe(false);
      expect(agent.pendingInterrupts).toEqual([]);
    },
  );
});

describe("AG-UI endpoint: denying an interrupt", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  it("a denial, or a cancelled interrupt, reaches the model as the tool's error and the run goes on", async () => {
    c = await createChatEnv();
    const build = join(c.server.app.runtime.activeRoot, "build");
    mkdirSync(build);
    const rm = () => reply.toolCalls([{ name: "execute_command", args: { command: "rm -rf ./build" } }]);
    c.fake.enqueue(rm(), reply.text("left it"), rm(), reply.text("left it again"));
    const agent = agentWith({ url: `${c.server.url}/ag-ui`, threadId: "thread-deny" }, "clean the build");
    const answers = [
      { status: "resolved" as const, payload: { approved: false, reason: "not now" } },
      { status: "cancelled" as const },
    ];
    const results: string[] = [];
    for (const [i, answer] of answers.entries()) {
      if (i > 0) agent.addMessage({ id: `again-${i}`, role: "user", content: "try again" });
      const asked = await runOnce(agent);
      expect(asked.of("RUN_FINISHED")[0].outcome.type).toBe("interrupt");
      const id = agent.pendingInterrupts[0]!.id;
      const resumed = await runOnce(agent, { resume: buildResumeArray(agent.pendingInterrupts, { [id]: answer }) });
      expect(resumed.of("CUSTOM")[0].value).toMatchObject({ requestId: id, status: "denied" });
      expect(resumed.of("RUN_FINISHED")[0].outcome).toEqual({ type: "success" });
      results.push(resumed.of("TOOL_CALL_RESULT")[0].content);
    }
    expect(results).toEqual([
      "permission denied: denied by a human: not now",
      "permission denied: denied by a human: the AG-UI client cancelled the interrupt",
    ]);
    expect(existsSync(build)).toBe(true);
  });
});

describe("AG-UI endpoint: bad input is RUN_ERROR", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  it("answers malformed JSON, an invalid RunAgentInput, no user message, an unknown agent or thread with RUN_ERROR", async () => {
    c = await createChatEnv();
    const url = `${c.server.url}/ag-ui`;
    const cases: [string, AgUiRun][] = [
      ["malformed", await runOnce(new RawBodyAgent({ url }, () => '{"threadId": "t", '))],
      ["invalid", await runOnce(new RawBodyAgent({ url }, () => '{"threadId": 3, "messages": [{"role": "nope"}]}'))],
      ["no user message", await runOnce(new HttpAgent({ url }))],
      ["unknown agent", await runOnce(agentWith({ url }, "hi"), { forwardedProps: { agentId: "nobody" } })],
      ["bad thread id", await runOnce(agentWith({ url, threadId: "../escape" }, "hi"))],
      ["bad model", await runOnce(agentWith({ url }, "hi"), { forwardedProps: { model: 42 } })],
      [
        "resume of an unknown thread",
        await runOnce(agentWith({ url, threadId: "thread-none" }, "hi"), {
          resume: [{ interruptId: "apr_nope", status: "resolved", payload: { approved: true } }],
        }),
      ],
    ];
    const errors = Object.fromEntries(
      cases.map(([name, run]) => {
        // The run errors in the protocol's own way: RUN_ERROR is its first and only event, and the client returns.
        expect(run.types, name).toEqual(["RUN_ERROR"]);
        expect(run.error, name).toBeUndefined();
        const { code, message } = run.of("RUN_ERROR")[0];
        return [name, { code, message }];
      }),
    );
    expect(errors).toEqual({
      malformed: { code: "invalid_argument", message: expect.stringMatching(/^malformed JSON body/) },
      invalid: {
        code: "invalid_argument",
        message: expect.stringMatching(/^invalid RunAgentInput: threadId: .*expected string.*; runId: /),
      },
      "no user message": { code: "invalid_argument", message: expect.stringMatching(/messages has no user message/) },
      "unknown agent": { code: "not_found", message: expect.stringMatching(/agent "nobody" not found/) },
      "bad thread id": { code: "invalid_argument", message: expect.stringMatching(/"\.\.\/escape" is not a valid id/) },
      "bad model": { code: "invalid_argument", message: "forwardedProps.model must be a string" },
      "resume of an unknown thread": { code: "not_found", message: expect.stringMatching(/thread-none/) },
    });
    // The OpenAPI document lists both routes, with the protocol's own RunAgentInput schema as the body.
    const doc = await (await fetch(`${c.server.url}/openapi.json`)).json();
    for (const path of ["/ag-ui", "/api/v1/ag-ui"]) {
      const op = doc.paths[path].post;
      expect(op.requestBody.content["application/json"].schema.required).toEqual(["threadId", "runId", "messages"]);
      expect(Object.keys(op.responses["200"].content)).toEqual(["text/event-stream"]);
    }
    // None of them reached the model, and the server still serves a good run.
    expect(c.fake.requests).toHaveLength(0);
    expect((await runOnce(agentWith({ url }, "hi"))).text()).toBe("ok");
  });
});

describe("AG-UI endpoint: API keys and origins", () => {
  let env: TestEnv;
  let fake: FakeOpenAI;
  afterEach(async () => {
    vi.restoreAllMocks();
    await env?.cleanup();
    await fake?.close();
  });

  it("401 without a key (before any parsing), 403 for a read-only key or a foreign page; a chat key runs, an admin key answers approvals", async () => {
    // The client logs every refused request with console.error before it rejects.
    vi.spyOn(console, "error").mockImplementation(() => {});
    fake = await startFakeOpenAI();
    env = await createTestEnv();
    writeFileSync(
      join(env.workspace, "floe.yaml"),
      [
        "api_keys:",
        "  - { name: reader, key: read-key, scopes: [read] }",
        "  - { name: bot, key: chat-key, scopes: [read, chat] }",
        "  - { name: ops, key: admin-key }",
      ].join("\n"),
    );
    const server = await env.start({
      env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "k", FLOE_MODEL: "m", FLOE_MODEL_MAX_RETRIES: "0" },
    });
    const url = `${server.url}/ag-ui`;
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

    const none = await runOnce(agentWith({ url }, "hi"));
    expect(none.events).toEqual([]);
    expect(none.error?.status).toBe(401);
    expect(none.error?.message).toMatch(/missing or invalid API key/);
    expect((await runOnce(new RawBodyAgent({ url }, () => "{not json"))).error?.status).toBe(401);
    expect((await runOnce(agentWith({ url, headers: bearer("wrong") }, "hi"))).error?.status).toBe(401);
    const reader = await runOnce(agentWith({ url: `${server.url}/api/v1/ag-ui`, headers: bearer("read-key") }, "hi"));
    expect(reader.error?.status).toBe(403);
    expect(reader.error?.message).toMatch(/needs the chat scope/);
    const foreign = await runOnce(
      agentWith({ url, headers: { ...bearer("chat-key"), origin: "https://evil.example" } }, "hi"),
    );
    expect(foreign.error?.status).toBe(403);
    expect(fake.requests).toHaveLength(0);

    // A chat key runs the agent; answering an approval needs what it needs everywhere: the admin scope.
    mkdirSync(join(server.app.runtime.activeRoot, "build"));
    fake.enqueue(
      reply.toolCalls([{ name: "execute_command", args: { command: "rm -rf ./build" } }]),
      reply.text("done"),
    );
    const agent = agentWith({ url, headers: bearer("chat-key") }, "clean the build");
    const first = await runOnce(agent);
    const [interrupt] = first.of("RUN_FINISHED")[0].outcome.interrupts;
    const answer = { [interrupt.id]: { status: "resolved" as const, payload: { approved: true } } };
    const refused = await runOnce(agent, { resume: buildResumeArray(agent.pendingInterrupts, answer) });
    expect(refused.of("RUN_ERROR")[0]).toMatchObject({ code: "permission_denied" });
    agent.headers = bearer("admin-key");
    const approved = await runOnce(agent, { resume: buildResumeArray(agent.pendingInterrupts, answer) });
    expect(approved.text()).toBe("done");
    expect(existsSync(join(server.app.runtime.activeRoot, "build"))).toBe(false);
  });
});
