import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildResumeArray } from "@ag-ui/client";
import { afterEach, describe, expect, it } from "vitest";
import { type ChatEnv, collect, createChatEnv, kinds } from "./support/chat-env.js";
import { agentWith, runOnce } from "./support/ag-ui-client.js";
import { reply } from "./support/fake-openai.js";
import { DIALECTS } from "./support/test-server.js";

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
    const run = await runOnce(agent);
    expect(run.error).toBeUndefined();
    expect(run.types).toEqual([
      "RUN_STARTED",
      "STATE_SNAPSHOT",
      "TEXT_MESSAGE_START",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_CONTENT",
      "TEXT_MESSAGE_END",
      "RUN_FINISHED",
    ]);
    expect(run.of("TEXT_MESSAGE_CONTENT").map((e) => e.delta)).toEqual(["Hell", "o fr", "om F", "loe"]);
    const started = run.of("RUN_STARTED")[0];
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
    expect(log.find((e) => e.kind.case === "cancelled")!.runId).toBe(run.of("RUN_STARTED")[0].runId);
    await expect.poll(() => c.fake.open()).toBe(0);
    expect(run.text().length).toBeLessThan("slow words ".repeat(40).length);
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
      expect(existsSync(build)).toBe(false);
      expect(agent.pendingInterrupts).toEqual([]);
    },
  );
});
