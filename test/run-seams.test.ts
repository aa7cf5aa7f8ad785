import { existsSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import { ChatRequestSchema } from "../gen/floe/v1/chat_pb.js";
import type { Event } from "../gen/floe/v1/events_pb.js";
import type { ApprovalHook } from "../src/agent/run-plan.js";
import type { PermissionGate } from "../src/security/permission-gate.js";
import { type ChatEnv, collect, createChatEnv, kinds } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";

/**
 * The seams later capabilities build on (a parent run, a deadline, an
 * approval point), exercised through the one run engine: runs are started
 * as those capabilities will start them (ChatService's starter with seams),
 * and observed as every client does, over Connect.
 */
describe("run engine seams", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  /** Starts a run with seams and reads its events, start to terminal, over a Connect subscription. */
  async function runWith(text: string, seams: Parameters<ChatEnv["server"]["app"]["chat"]["start"]>[1]) {
    const run = await c.server.app.chat.start(create(ChatRequestSchema, { text }), seams);
    const result = await run.done;
    const events = await collect(
      c.chat.subscribe({ conversationId: run.conversationId, afterSeq: 0n, endAfterLiveRuns: true }),
    );
    return { run, result, events: events.filter((e) => e.runId === run.id) };
  }

  const terminal = (events: Event[]) => events.at(-1)!.kind;

  it("names the parent run in the start event (delegation)", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("child answer"));
    const { events, result } = await runWith("delegated work", { parentRunId: "parent-run-1" });
    expect(events[0]!.kind).toMatchObject({ case: "start", value: { parentRunId: "parent-run-1" } });
    expect(result.status).toBe("completed");
    // A run without a parent says so.
    c.fake.enqueue(reply.text("plain"));
    const plain = await runWith("plain work", {});
    expect(plain.events[0]!.kind).toMatchObject({ case: "start", value: { parentRunId: "" } });
  });

  it("stops a run at its deadline with one error event, code deadline_exceeded", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("slow answer that never finishes", { delayMs: 400, chunkSize: 2 }));
    const { events, result } = await runWith("take your time", { deadline: Date.now() + 300 });
    // The reply takes seconds: only the deadline can end the run with an error.
    expect(result.status).toBe("error");
    const ends = events.filter((e) => ["complete", "error", "cancelled"].includes(e.kind.case ?? ""));
    expect(ends).toHaveLength(1);
    expect(terminal(events)).toMatchObject({
      case: "error",
      value: { code: "deadline_exceeded", message: "the run's deadline passed" },
    });
    // Not a cancel: that would end with `cancelled`.
    expect(kinds(events)).not.toContain("cancelled");
  });

  it("keeps a run whose deadline is further away than a timer can wait", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("plenty of time", { delayMs: 20 }));
    const { result, events } = await runWith("no hurry", { deadline: Date.now() + 30 * 24 * 3600 * 1000 });
    expect(result.status).toBe("completed");
    expect(terminal(events)).toMatchObject({ case: "complete", value: { response: "plenty of time" } });
  });

  describe("a tool call that the permission gate sends to a human", () => {
    const askForCommands: PermissionGate = {
      async decide(req) {
        return req.operation === "process.execute"
          ? { result: "ask", reason: "commands need a human" }
          : { result: "allow" };
      },
    };
    const touch = [{ name: "execute_command", args: { command: "touch approved.txt" } }];

    it("waits for the approval seam, with approval events on either side, then runs", async () => {
      c = await createChatEnv({ start: { permissionGate: askForCommands } });
      c.fake.enqueue(reply.toolCalls(touch), reply.text("done"));
      const asked: string[] = [];
      const approve: ApprovalHook = async (req) => {
        asked.push(`${req.toolName}:${req.resource}:${req.reason}`);
        await new Promise((r) => setTimeout(r, 50));
        return { result: "allow" };
      };
      const { events } = await runWith("touch a file", { awaitDecision: approve });
      expect(asked).toEqual(["execute_command:touch approved.txt:commands need a human"]);
      const k = kinds(events);
      expect(k.indexOf("approvalRequired")).toBeGreaterThan(k.indexOf("toolStart"));
      expect(k.indexOf("approvalResolved")).toBeGreaterThan(k.indexOf("approvalRequired"));
      expect(k.indexOf("toolComplete")).toBeGreaterThan(k.indexOf("approvalResolved"));
      const required = events.find((e) => e.kind.case === "approvalRequired")!.kind;
      const resolved = events.find((e) => e.kind.case === "approvalResolved")!.kind;
      expect(required).toMatchObject({
        value: { toolName: "execute_command", operation: "process.execute", resource: "touch approved.txt" },
      });
      expect(resolved).toMatchObject({
        value: { status: "approved", requestId: (required.value as { requestId: string }).requestId },
      });
      expect(existsSync(join(c.server.app.runtime.activeRoot, "approved.txt"))).toBe(true);
    });

    it("ends a run cancelled while its tool call waits for a human who never answers", async () => {
      c = await createChatEnv({ start: { permissionGate: askForCommands } });
      c.fake.enqueue(reply.toolCalls(touch), reply.text("never reached"));
      let asked!: () => void;
      const waiting = new Promise<void>((r) => (asked = r));
      const never: ApprovalHook = () => {
        asked();
        return new Promise(() => {});
      };
      const run = await c.server.app.chat.start(create(ChatRequestSchema, { text: "touch a file" }), {
        awaitDecision: never,
      });
      await waiting;
      const cancelled = await c.chat.cancelRun({ runId: run.id });
      expect(cancelled).toMatchObject({ runId: run.id, status: "cancelled", cancelled: true });
      expect((await run.done).status).toBe("cancelled");
      expect(existsSync(join(c.server.app.runtime.activeRoot, "approved.txt"))).toBe(false);
    });

    it("refuses the call when the human denies it, or when the run has no approver", async () => {
      c = await createChatEnv({ start: { permissionGate: askForCommands } });
      c.fake.enqueue(reply.toolCalls(touch), reply.text("done"));
      const deny: ApprovalHook = async () => ({ result: "deny", reason: "not today" });
      const denied = await runWith("touch a file", { awaitDecision: deny });
      expect(terminal(denied.events)).toMatchObject({
        case: "complete",
        value: { actionResults: [{ status: "denied", result: "permission denied: not today" }] },
      });
      expect(denied.events.find((e) => e.kind.case === "approvalResolved")?.kind).toMatchObject({
        value: { status: "denied" },
      });

      c.fake.enqueue(reply.toolCalls(touch), reply.text("done"));
      // A caller may start a run without the server's approver: an ask is then a denial.
      const unattended = await runWith("touch a file", { awaitDecision: undefined });
      expect(kinds(unattended.events)).not.toContain("approvalRequired");
      expect(terminal(unattended.events)).toMatchObject({
        case: "complete",
        value: { actionResults: [{ status: "denied", result: expect.stringContaining("this run has no approver") }] },
      });
      expect(existsSync(join(c.server.app.runtime.activeRoot, "approved.txt"))).toBe(false);
    });
  });
});
