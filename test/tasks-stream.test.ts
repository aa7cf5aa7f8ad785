import { mkdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import type { Event } from "../gen/floe/v1/events_pb.js";
import { ProjectService, type StreamTaskResponse } from "../gen/floe/v1/project_pb.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { restCall } from "./support/rest.js";
import { connectWs } from "./support/ws-client.js";

/** Reads a task stream to its end, dropping heartbeats. */
async function readAll(stream: AsyncIterable<StreamTaskResponse>): Promise<StreamTaskResponse[]> {
  const out: StreamTaskResponse[] = [];
  for await (const r of stream) if (r.event?.kind.case !== "heartbeat") out.push(r);
  return out;
}
const kindsOf = (rs: StreamTaskResponse[]) => rs.map((r) => r.event!.kind.case);

describe("tasks streamed: WebSocket /api/v1/tasks/stream and ProjectService.StreamTask", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  const call = (method: string, path: string, body?: unknown) => restCall(c.server.url, method, path, body);
  const projects = () =>
    createClient(ProjectService, createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }));
  const socket = () => connectWs(`${c.server.url.replace("http", "ws")}/api/v1/tasks/stream`);

  it("WebSocket: the first frame is the task; frames start, progress, action and complete follow, numbered", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.toolCalls([{ name: "list_files", args: { path: "." } }]), reply.text("Listed."));
    const ws = await socket();
    ws.send({ name: "Survey", description: "List files", continuous: false, time_limit: 30 });
    await ws.until((f) => f.some((x) => x.event === "complete"));
    expect(ws.frames.map((f) => f.event)).toEqual(["start", "progress", "action", "progress", "complete"]);
    const taskId = ws.frames[0]!.data.task_id as string;
    expect(ws.frames[0]!.data).toMatchObject({ task_id: taskId, name: "Survey", model: "fake-model" });
    expect(ws.frames.filter((f) => f.event === "progress").map((f) => f.data.iteration)).toEqual([1, 2]);
    expect(ws.frames[2]!.data).toMatchObject({ task_id: taskId, action: "list_files", status: "completed" });
    expect(ws.frames[4]!.data).toMatchObject({
      task_id: taskId,
      status: "completed",
      response: "Listed.",
      iterations: 2,
      action_results: [{ action: "list_files", status: "completed" }],
      task_metadata: { name: "Survey", continuous: false, time_limit: 30 },
    });
    const seqs = ws.frames.map((f) => f.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);

    // Bad input is an error frame naming no task, and the socket stays open for the next task.
    ws.send("not json");
    ws.send({ description: "no name" });
    ws.send({ name: "t", time_limit: -1 });
    await ws.until((f) => f.filter((x) => x.event === "error").length === 3);
    const errors = ws.frames.filter((f) => f.event === "error").map((f) => f.data);
    expect(errors[0]!.message).toMatch(/^invalid JSON message/);
    expect(errors[1]).toEqual({ message: "name is required: name the task" });
    expect(errors[2]!.message).toMatch(/^time_limit must be between/);
    c.fake.enqueue(reply.httpError(500, "upstream down"));
    ws.send({ name: "Second" });
    await ws.until((f) => f.filter((x) => x.event === "error").length === 4);
    const failed = ws.frames.at(-1)!;
    expect(failed.data).toMatchObject({ status: "error", code: "unavailable", task_id: expect.any(String) });
    expect(failed.data.task_id).not.toBe(taskId);
    ws.ws.close();
  });

  it("a continuous task iterates until the model says TASK_COMPLETE; progress events carry the iteration", async () => {
    c = await createChatEnv();
    c.fake.enqueue(
      reply.text("Step one done."),
      reply.text("Step two done."),
      reply.text("All finished.\nTASK_COMPLETE"),
    );
    const rs = await readAll(
      projects().streamTask({ task: { name: "Build", description: "Build it", continuous: true } }),
    );
    expect(kindsOf(rs)).toEqual(["start", "progress", "progress", "progress", "complete"]);
    const events = rs.map((r) => r.event!);
    const taskId = rs[0]!.task!.id;
    expect(events.every((e) => e.taskId === taskId)).toBe(true);
    expect(events.filter((e) => e.kind.case === "progress").map((e) => e.kind.value)).toMatchObject([
      { iteration: 1, maxIterations: 5 },
      { iteration: 2, maxIterations: 5 },
      { iteration: 3, maxIterations: 5 },
    ]);
    const last = rs.at(-1)!;
    expect(last.task).toMatchObject({
      status: "completed",
      iterations: 3,
      response: "Step one done.\n\nStep two done.\n\nAll finished.",
    });
    expect(last.task!.runIds).toHaveLength(3);
    // Every iteration after the first asks the model to continue, in the same conversation.
    expect(c.fake.requests).toHaveLength(3);
    expect(c.fake.requests[0]!.messages.at(-1).content).toMatch(/^Task: Build\n\nBuild it\n\n.*TASK_COMPLETE/s);
    expect(c.fake.requests[2]!.messages.at(-1).content).toMatch(
      /^Continue working toward the task's goal: Build\. This is iteration 3 of at most 5/,
    );
    expect(c.fake.requests[2]!.messages.filter((m: any) => m.role === "assistant")).toHaveLength(2);

    // Without the signal it stops at max_iterations, keeping what it produced.
    c.fake.enqueue(reply.text("Tried."), reply.text("Tried again."));
    const capped = await call("POST", "/api/v1/tasks/execute-sync", {
      name: "Endless",
      continuous: true,
      max_iterations: 2,
    });
    expect(capped.body).toMatchObject({ status: "max_iterations", iterations: 2, response: "Tried.\n\nTried again." });

    // Telemetry counts each task once, however many runs it took, beside the chats that completed.
    await c.chat.sendMessage({ chat: { text: "hello" } });
    const telemetry = await call("GET", "/api/v1/telemetry?agent_id=default");
    expect(telemetry.body!.agents).toEqual({ default: { messages_sent: 0, tasks_completed: 3 } });
  });

  it("StreamTask resumes after a dropped connection: snapshot, then every event after the cursor, once", async () => {
    c = await createChatEnv();
    c.fake.enqueue(
      reply.toolCalls([{ name: "list_files", args: { path: "." } }]),
      reply.text("Here is what I found in the workspace.", { chunkSize: 3, delayMs: 20 }),
    );
    const dropped = new AbortController();
    const seen: StreamTaskResponse[] = [];
    await expect(
      (async () => {
        for await (const r of projects().streamTask({ task: { name: "Look" } }, { signal: dropped.signal })) {
          seen.push(r);
          if (r.event?.kind.case === "action") dropped.abort();
        }
      })(),
    ).rejects.toThrow();
    const taskId = seen[0]!.task!.id;
    const lastSeq = Number(seen.at(-1)!.event!.seq);
    const resumed = await readAll(projects().streamTask({ taskId, afterSeq: BigInt(lastSeq) }));
    expect(resumed[0]!.event!.kind.case).toBe("snapshot");
    expect(resumed[0]!.task!.id).toBe(taskId);
    const after = resumed.slice(1).map((r) => r.event!);
    expect(after.every((e) => Number(e.seq) > lastSeq)).toBe(true);
    expect(after.at(-1)!.kind.case).toBe("complete");
    expect(resumed.at(-1)!.task!.status).toBe("completed");

    // The same as a full replay of the finished task: nothing missed or repeated where the two meet.
    const full = await readAll(projects().streamTask({ taskId }));
    const stored = (rs: Event[]) => rs.filter((e) => e.seq > 0n).map((e) => [Number(e.seq), e.kind.case]);
    expect(stored([...seen.map((r) => r.event!), ...after])).toEqual(stored(full.map((r) => r.event!)));
    expect(kindsOf(full)).toEqual(["snapshot", "start", "progress", "action", "progress", "complete"]);
    // A cursor at the end: the snapshot alone, and the stream ends.
    const end = Number(full.at(-1)!.event!.seq);
    expect(kindsOf(await readAll(projects().streamTask({ taskId, afterSeq: BigInt(end) })))).toEqual(["snapshot"]);
    await expect(readAll(projects().streamTask({ taskId: "nope" }))).rejects.toThrow(/task "nope" not found/);
    await expect(readAll(projects().streamTask({ taskId, afterSeq: -1n }))).rejects.toThrow(/after_seq/);
  });

  it("WebSocket resume of a task: snapshot, then the missed frames", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("Done quickly."));
    const first = await call("POST", "/api/v1/tasks/execute-sync", { name: "Quick" });
    const taskId = first.body!.task_id as string;
    const ws = await socket();
    ws.send({ resume: { task_id: taskId, after_seq: 1 } });
    await ws.until((f) => f.some((x) => x.event === "complete"));
    expect(ws.frames.map((f) => f.event)).toEqual(["snapshot", "progress", "complete"]);
    expect(ws.frames[0]!.data).toMatchObject({ task_id: taskId, status: "completed", active_runs: [] });
    expect(ws.frames[2]!.data).toMatchObject({ task_id: taskId, response: "Done quickly." });
    ws.send({ resume: { task_id: 5 } });
    await ws.until((f) => f.at(-1)!.event === "error");
    expect(ws.frames.at(-1)!.data.message).toBe('resume needs {"task_id": string, "after_seq": number}');
    ws.ws.close();
  });

  it("a task runs under the permission engine and approvals: its stream carries the approval request", async () => {
    c = await createChatEnv();
    const build = join(c.server.app.runtime.activeRoot, "build");
    mkdirSync(build);
    c.fake.enqueue(
      reply.toolCalls([{ name: "execute_command", args: { command: "rm -rf ./build" } }]),
      reply.text("Left it."),
    );
    const ws = await socket();
    ws.send({ name: "Clean", description: "Remove the build folder" });
    await ws.until((f) => f.some((x) => x.event === "approval_required"));
    const required = ws.frames.find((f) => f.event === "approval_required")!;
    expect(required.data).toMatchObject({
      tool_name: "execute_command",
      operation: "process.execute",
      resource: "rm -rf ./build",
    });
    expect((await call("GET", `/api/v1/tasks/${ws.frames[0]!.data.task_id}`)).body!.status).toBe("running");
    const denied = await call("POST", `/api/v1/approvals/${required.data.request_id}/deny`, { reason: "keep it" });
    expect(denied.status).toBe(200);
    await ws.until((f) => f.some((x) => x.event === "complete"));
    expect(ws.frames.map((f) => f.event)).toEqual([
      "start",
      "progress",
      "approval_required",
      "approval_resolved",
      "action",
      "progress",
      "complete",
    ]);
    expect(ws.frames.find((f) => f.event === "action")!.data).toMatchObject({
      action: "execute_command",
      status: "denied",
    });
    expect(existsSync(build)).toBe(true);
    ws.ws.close();
  });
});
