import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { RequestError_Reason, RequestErrorSchema } from "../gen/floe/v1/common_pb.js";
import { type ChatEnv, collect, createChatEnv, kinds } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { DIALECTS } from "./support/test-server.js";

describe("chat through the agent engine", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  it.each(DIALECTS)(
    "streams start, progress, reasoning, tool calls, tokens and complete, and stores the turn, on %s",
    async (dialect) => {
      c = await createChatEnv({ dialect });
      writeFileSync(join(c.server.app.runtime.activeRoot, "hello.txt"), "hi there\n");
      c.fake.enqueue(
        reply.toolCalls([{ name: "read_file", args: { path: "hello.txt" } }]),
        reply.text("The file says hi.", { reasoning: "Let me think.", chunkSize: 3, usage: [20, 9] }),
      );
      const events = await collect(c.chat.streamMessage({ chat: { text: "read hello.txt", includeReasoning: true } }));
      // Deltas that arrive together are coalesced, so compare runs of kinds and the joined text.
      expect(kinds(events).filter((k, i, all) => k !== all[i - 1])).toEqual([
        "start",
        "progress",
        "toolStart",
        "toolComplete",
        "progress",
        "reasoning",
        "token",
        "complete",
      ]);
      const joined = (kind: string) =>
        events
          .filter((e) => e.kind.case === kind)
          .map((e) => (e.kind.value as { token: string }).token)
          .join("");
      expect(joined("reasoning")).toBe("Let me think.");
      expect(joined("token")).toBe("The file says hi.");
      const seqs = events.map((e) => Number(e.seq));
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
      const toolDone = events.find((e) => e.kind.case === "toolComplete")!.kind.value as {
        success: boolean;
        resultPreview: string;
        name: string;
      };
      expect(toolDone).toMatchObject({ name: "read_file", success: true, resultPreview: "hi there\n" });
      const complete = events.at(-1)!.kind;
      expect(complete.case === "complete" && complete.value).toMatchObject({
        response: "The file says hi.",
        reasoning: "Let me think.",
        iterations: 2,
        toolCalls: 1,
        status: "completed",
      });
      expect(complete.case === "complete" && complete.value.actionResults[0]).toMatchObject({
        action: "read_file",
        status: "completed",
        result: "hi there\n",
      });

      // The tool call arguments arrived split across chunks and were reassembled.
      const second = c.fake.requests[1]!;
      expect(second.messages.at(-2).tool_calls[0].function).toEqual({
        name: "read_file",
        arguments: '{"path":"hello.txt"}',
      });
      expect(second.messages.at(-1)).toMatchObject({ role: "tool", content: "hi there\n" });
      expect(c.fake.requests[0]!.stream_options).toEqual({ include_usage: true });

      const history = await c.server.app.conversations.all(events[0]!.conversationId);
      expect(history.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant"]);
      expect(history.at(-1)!.content).toBe("The file says hi.");
    },
  );

  it("answers the unary form with response, action results, reasoning only when asked, and counts usage", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("<think>hidden plan</think>Visible answer", { usage: [30, 12] }));
    const res = await c.chat.sendMessage({ chat: { text: "hello" } });
    expect(res).toMatchObject({
      response: "Visible answer",
      reasoning: "",
      status: "completed",
      iterations: 1,
      toolCalls: 0,
      model: "fake-model",
    });
    c.fake.enqueue(reply.text("<think>plan two</think>Second", { usage: [40, 8] }));
    const res2 = await c.chat.sendMessage({
      chat: { text: "again", conversationId: res.conversationId, includeReasoning: true },
    });
    expect(res2.reasoning).toBe("plan two");
    expect(res2.response).toBe("Second");
    // History across turns: the second upstream request carries the first turn.
    expect(c.fake.requests[1]!.messages.map((m: { role: string; content: string }) => [m.role, m.content])).toEqual([
      ["system", expect.any(String)],
      ["user", "hello"],
      ["assistant", "Visible answer"],
      ["user", "again"],
    ]);
    const { SystemService } = await import("../gen/floe/v1/system_pb.js");
    const { createClient } = await import("@connectrpc/connect");
    const { createConnectTransport } = await import("@connectrpc/connect-node");
    const sys = createClient(SystemService, createConnectTransport({ baseUrl: c.server.url, httpVersion: "1.1" }));
    const usage = await sys.getTokenUsage({});
    expect(usage.total).toMatchObject({ prompt: 70n, completion: 20n });
    expect(usage.perConversation[res.conversationId]).toMatchObject({ prompt: 70n, completion: 20n });
    expect(usage.perModel["fake-model"]).toMatchObject({ prompt: 70n });
    expect(usage.perAgent.default).toMatchObject({ completion: 20n });
  });

  it("sends context files and the context dictionary before the user's message, in order", async () => {
    c = await createChatEnv();
    writeFileSync(join(c.server.app.runtime.activeRoot, "notes.md"), "# Notes\nuse tabs");
    await c.chat.sendMessage({ chat: { text: "style?", contextFiles: ["notes.md"], context: { ticket: "FLOE-1" } } });
    const msgs = c.fake.requests[0]!.messages as { role: string; content: string }[];
    expect(msgs.map((m) => m.role)).toEqual(["system", "system", "system", "user"]);
    expect(msgs[1]!.content).toContain("use tabs");
    expect(msgs[2]!.content).toContain('"ticket": "FLOE-1"');
    const missing = await c.chat
      .sendMessage({ chat: { text: "x", contextFiles: ["nope.md"] } })
      .catch((e: unknown) => ConnectError.from(e));
    expect((missing as ConnectError).code).toBe(Code.InvalidArgument);
  });

  it("ends at the iteration limit with a clear status, keeping what was produced", async () => {
    c = await createChatEnv();
    c.fake.enqueue(
      reply.toolCalls([{ name: "list_files", args: {} }]),
      reply.toolCalls([{ name: "list_files", args: {} }]),
    );
    const events = await collect(c.chat.streamMessage({ chat: { text: "loop", maxIterations: 2 } }));
    const progress = events
      .filter((e) => e.kind.case === "progress")
      .map((e) => e.kind.value as { iteration: number; maxIterations: number });
    expect(progress).toEqual([
      expect.objectContaining({ iteration: 1, maxIterations: 2 }),
      expect.objectContaining({ iteration: 2, maxIterations: 2 }),
    ]);
    const last = events.at(-1)!.kind;
    expect(last.case).toBe("complete");
    expect(last.case === "complete" && last.value).toMatchObject({
      status: "max_iterations",
      iterations: 2,
      toolCalls: 2,
    });
    expect(last.case === "complete" && last.value.actionResults).toHaveLength(2);
    expect(c.fake.requests).toHaveLength(2);
  });

  it("makes a retried request id return the same run without a duplicate message, and rejects a reused id", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("once"));
    const a = await c.chat.sendMessage({ chat: { text: "idempotent", requestId: "req-1" } });
    const b = await c.chat.sendMessage({ chat: { text: "idempotent", requestId: "req-1" } });
    expect(b.runId).toBe(a.runId);
    expect(b.response).toBe("once");
    expect(c.fake.requests).toHaveLength(1);
    const history = await c.server.app.conversations.all(a.conversationId);
    expect(history.filter((m) => m.role === "user")).toHaveLength(1);
    const conflict = await c.chat
      .sendMessage({ chat: { text: "different", requestId: "req-1" } })
      .catch((e: unknown) => ConnectError.from(e));
    expect((conflict as ConnectError).code).toBe(Code.AlreadyExists);
  });

  it("refuses a second message while a run is active, or queues it and reports the position", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("first answer"));
    const first = await c.chat.sendMessage({ chat: { text: "first" } });
    c.fake.enqueue(reply.text("slow again", { delayMs: 60, chunkSize: 2 }), reply.text("queued answer"));
    const stream = c.chat.streamMessage({ chat: { text: "second", conversationId: first.conversationId } });
    const it1 = stream[Symbol.asyncIterator]();
    await it1.next(); // start: the run is active now
    const busy = await c.chat
      .sendMessage({ chat: { text: "third", conversationId: first.conversationId } })
      .catch((e: unknown) => ConnectError.from(e));
    expect((busy as ConnectError).code).toBe(Code.FailedPrecondition);
    expect((busy as ConnectError).rawMessage).toContain("queue=true");
    const queued = await collect(
      c.chat.streamMessage({ chat: { text: "fourth", conversationId: first.conversationId, queue: true } }),
    );
    expect(queued[0]!.kind).toMatchObject({ case: "queued", value: { position: 1 } });
    expect(kinds(queued).at(-1)).toBe("complete");
    for (let r = await it1.next(); !r.done; r = await it1.next());
  });

  it("rejects bad chat input with clear errors", async () => {
    c = await createChatEnv();
    const cases: [object, Code, string][] = [
      [{ chat: { text: "  " } }, Code.InvalidArgument, "text is required"],
      [{}, Code.InvalidArgument, "chat is required"],
      [{ chat: { text: "x", maxIterations: 0 } }, Code.InvalidArgument, "max_iterations must be between 1 and 100"],
      [{ chat: { text: "x", conversationId: "nope" } }, Code.NotFound, 'conversation "nope" not found'],
      [{ chat: { text: "x", agentId: "ghost" } }, Code.NotFound, 'agent "ghost" not found'],
    ];
    for (const [req, code, msg] of cases) {
      const err = await c.chat.sendMessage(req).catch((e: unknown) => ConnectError.from(e));
      expect(err, JSON.stringify(req)).toBeInstanceOf(ConnectError);
      expect((err as ConnectError).code).toBe(code);
      expect((err as ConnectError).rawMessage).toContain(msg);
    }
    // The one check of the text, in ChatService, names the field for every surface to render.
    const empty = await c.chat.sendMessage({ chat: { text: "" } }).catch((e: unknown) => ConnectError.from(e));
    expect((empty as ConnectError).findDetails(RequestErrorSchema)).toEqual([
      expect.objectContaining({
        reason: RequestError_Reason.INVALID_FIELD,
        fieldViolations: [
          expect.objectContaining({ field: "text", description: "is required: send the message content" }),
        ],
      }),
    ]);
  });

  it("ends a subscription with end_after_live_runs once it has caught up and the live runs have ended", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("first answer"));
    const first = await c.chat.sendMessage({ chat: { text: "first" } });
    const conversationId = first.conversationId;
    // Nothing live: the replay, then the end.
    const idle = await collect(c.chat.subscribe({ conversationId, afterSeq: 0n, endAfterLiveRuns: true }));
    expect(kinds(idle)[0]).toBe("snapshot");
    expect(kinds(idle).at(-1)).toBe("complete");
    const latest = idle[0]!.kind.case === "snapshot" ? idle[0]!.kind.value.latestSeq : -1n;
    expect(idle.at(-1)!.seq).toBe(latest);
    // Already caught up: the snapshot alone.
    const none = await collect(c.chat.subscribe({ conversationId, afterSeq: latest, endAfterLiveRuns: true }));
    expect(kinds(none)).toEqual(["snapshot"]);
    // A run live at subscribe time: followed to its terminal event, then the end.
    c.fake.enqueue(reply.text("a slower second answer", { delayMs: 30, chunkSize: 3 }));
    const stream = c.chat.streamMessage({ chat: { text: "second", conversationId } });
    const running = stream[Symbol.asyncIterator]();
    const start = (await running.next()).value!.event!;
    const live = await collect(c.chat.subscribe({ conversationId, afterSeq: latest, endAfterLiveRuns: true }));
    const snapshot = live[0]!.kind;
    expect(snapshot).toMatchObject({ case: "snapshot", value: { activeRuns: [{ runId: start.runId }] } });
    expect(live.at(-1)!.kind).toMatchObject({ case: "complete", value: { response: "a slower second answer" } });
    expect(live.at(-1)!.runId).toBe(start.runId);
    for (let r = await running.next(); !r.done; r = await running.next());
    // Without the option the stream follows live events: a heartbeat arrives instead of an end.
    const follow = c.chat.subscribe({ conversationId, afterSeq: latest })[Symbol.asyncIterator]();
    let sawHeartbeat = false;
    for (let r = await follow.next(); !r.done; r = await follow.next()) {
      if (r.value.event?.kind.case === "heartbeat") {
        sawHeartbeat = true;
        break;
      }
    }
    await follow.return?.(undefined);
    expect(sawHeartbeat).toBe(true);
  });
});
