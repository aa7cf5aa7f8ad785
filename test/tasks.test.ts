import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ConversationService } from "../gen/floe/v1/conversation_pb.js";
import { ProjectService } from "../gen/floe/v1/project_pb.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { restCall, until } from "./support/rest.js";

/** Background, sync and cancelled tasks over Penguin REST and Connect, with a time limit. */
describe("tasks: background, sync, cancel and time limit", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  const call = (method: string, path: string, body?: unknown) => restCall(c.server.url, method, path, body);
  const clients = () => {
    const transport = createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" });
    return {
      projects: createClient(ProjectService, transport),
      conversations: createClient(ConversationService, transport),
    };
  };
  const statusOf = async (id: string) => (await call("GET", `/api/v1/tasks/${id}`)).body!.status as string;

  it("a background task answers at once with its id; its status is polled to completed, and it is listed", async () => {
    c = await createChatEnv();
    c.fake.enqueue(
      reply.toolCalls([{ name: "list_files", args: { path: "." } }]),
      reply.text("The folder holds floe.db.", { delayMs: 5 }),
    );
    const started = await call("POST", "/api/v1/tasks/execute", {
      name: "Survey",
      description: "List the workspace and report",
      continuous: false,
      time_limit: 30,
    });
    expect(started.status).toBe(200);
    const id = started.body!.task_id as string;
    expect(started.body).toMatchObject({
      id,
      status: "running",
      spec: { name: "Survey", time_limit: 30, max_iterations: 5 },
    });
    await until(async () => (await statusOf(id)) === "completed", "the task to complete");
    const done = (await call("GET", `/api/v1/tasks/${id}`)).body!;
    expect(done).toMatchObject({
      task_id: id,
      status: "completed",
      response: "The folder holds floe.db.",
      iterations: 2,
      action_results: [{ action: "list_files", status: "completed" }],
      error: null,
    });
    expect(done.run_ids).toHaveLength(1);
    expect(done.ended_at).not.toBe("");
    // The task's work is a run of the one engine, in a conversation of its own, under the task's prompt.
    expect(c.fake.requests[0]!.messages.at(-1)).toMatchObject({
      role: "user",
      content: "Task: Survey\n\nList the workspace and report",
    });
    const history = await clients().conversations.getConversationHistory({ conversationId: done.conversation_id });
    expect(history.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    const list = await call("GET", "/api/v1/tasks");
    expect(list.body!.tasks.map((t: any) => [t.task_id, t.status])).toEqual([[id, "completed"]]);
    expect((await call("GET", "/api/v1/tasks?status=running")).body!.tasks).toEqual([]);
    expect((await clients().projects.getTask({ taskId: id })).task).toMatchObject({
      id,
      status: "completed",
      iterations: 2,
    });
  });

  it("execute-sync answers the documented shape", async () => {
    c = await createChatEnv();
    c.fake.enqueue(
      reply.toolCalls([{ name: "write_file", args: { path: "api/users.py", content: "x = 1\n" } }]),
      reply.text("Created the endpoint."),
    );
    const res = await call("POST", "/api/v1/tasks/execute-sync", {
      name: "Create API endpoint",
      description: "Create a REST API endpoint for user management",
      continuous: false,
      time_limit: 300,
    });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body!).sort()).toEqual(
      ["action_results", "execution_time", "iterations", "response", "status", "task_id", "task_metadata"].sort(),
    );
    expect(res.body).toMatchObject({
      status: "completed",
      response: "Created the endpoint.",
      iterations: 2,
      action_results: [{ action: "write_file", status: "completed", result: expect.stringContaining("api/users.py") }],
      task_metadata: { name: "Create API endpoint", continuous: false, time_limit: 300 },
    });
    expect(res.body!.execution_time).toBeGreaterThan(0);
    expect(await statusOf(res.body!.task_id)).toBe("completed");
  });

  it("cancels a running task: its run stops, the task ends cancelled, and a second cancel changes nothing", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.hang(60_000));
    const id = (await call("POST", "/api/v1/tasks/execute", { name: "Long job", description: "Never ends" })).body!
      .task_id;
    await until(() => c.fake.requests.length === 1, "the task's model request");
    const cancelled = await call("POST", `/api/v1/tasks/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ task_id: id, status: "cancelled", cancelled: true });
    expect(cancelled.body!.task.error).toEqual({ message: "the task was cancelled", code: "canceled" });
    await until(() => c.fake.open() === 0, "the upstream request to be aborted");
    const again = await call("POST", `/api/v1/tasks/${id}/cancel`);
    expect(again.body).toMatchObject({ task_id: id, status: "cancelled", cancelled: false });
    expect(await statusOf(id)).toBe("cancelled");
    const run = await c.server.app.runRecords.byId((await call("GET", `/api/v1/tasks/${id}`)).body!.run_id);
    expect(run?.status).toBe("cancelled");
    // Over Connect the same.
    const { projects } = clients();
    expect(await projects.cancelTask({ taskId: id })).toMatchObject({
      cancelled: false,
      task: { status: "cancelled" },
    });
  });

  it("enforces time_limit: the task ends with status timeout and keeps the text it produced", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.stall(["partial ", "work"], 60_000));
    const res = await call("POST", "/api/v1/tasks/execute-sync", {
      name: "Slow",
      description: "Take forever",
      time_limit: 1,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "timeout", response: "partial work", iterations: 1 });
    const task = (await call("GET", `/api/v1/tasks/${res.body!.task_id}`)).body!;
    expect(task).toMatchObject({ status: "timeout", error: { code: "deadline_exceeded" } });
    expect(task.error.message).toMatch(/time limit of 1 s passed/);
    // The unfinished answer is kept in the task's conversation too.
    const history = await clients().conversations.getConversationHistory({ conversationId: task.conversation_id });
    expect(history.messages.map((m) => [m.role, m.content])).toEqual([
      ["user", "Task: Slow\n\nTake forever"],
      ["assistant", "partial work"],
    ]);
    expect(history.messages[1]!.metadata).toEqual({ task_id: task.task_id, partial: true });
  });

  it("a failed task is an error on every surface, with the model's cause", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.httpError(400, "no such model upstream"));
    const res = await call("POST", "/api/v1/tasks/execute-sync", { name: "Doomed" });
    expect(res.status).toBe(409);
    expect(res.body!.detail).toMatch(/no such model upstream/);
    const list = await call("GET", "/api/v1/tasks?status=error");
    expect(list.body!.tasks).toHaveLength(1);
    expect(list.body!.tasks[0].error.message).toMatch(/no such model upstream/);
  });

  it("refuses bad input with the Penguin statuses and Connect codes", async () => {
    c = await createChatEnv();
    const blank = await call("POST", "/api/v1/tasks/execute", { name: "  ", description: "x" });
    expect(blank).toEqual({
      status: 422,
      body: { detail: [{ loc: ["body", "name"], msg: "field required", type: "value_error.missing" }] },
    });
    const negative = await call("POST", "/api/v1/tasks/execute", { name: "t", time_limit: -5 });
    expect(negative.status).toBe(400);
    expect(negative.body!.detail).toMatch(/^time_limit must be between 0 \(no limit\) and 86400 seconds, got -5/);
    expect((await call("POST", "/api/v1/tasks/execute-sync", { name: "t", max_iterations: 0 })).status).toBe(400);
    expect((await call("POST", "/api/v1/tasks/execute", { name: "t", time_limit: "soon" })).status).toBe(422);
    const noProject = await call("POST", "/api/v1/tasks/execute", { name: "t", project_id: "nope" });
    expect(noProject.status).toBe(404);
    expect(noProject.body!.detail).toMatch(/project "nope" not found/);
    expect((await call("POST", "/api/v1/tasks/execute", { name: "t", agent_id: "ghost" })).status).toBe(404);
    expect((await call("GET", "/api/v1/tasks/nope")).status).toBe(404);
    expect((await call("POST", "/api/v1/tasks/nope/cancel")).status).toBe(404);
    expect((await call("GET", "/api/v1/tasks?status=sleeping")).status).toBe(400);
    expect((await call("GET", "/api/v1/tasks?project_id=nope")).status).toBe(404);
    // Nothing was started or stored.
    expect(c.fake.requests).toEqual([]);
    expect((await call("GET", "/api/v1/tasks")).body).toEqual({ tasks: [] });
    const { projects } = clients();
    const code = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e) => ConnectError.from(e).code,
      );
    expect(await code(projects.executeTask({ task: { name: "" } }))).toBe(Code.InvalidArgument);
    expect(await code(projects.executeTask({}))).toBe(Code.InvalidArgument);
    expect(await code(projects.executeTaskSync({ task: { name: "t", timeLimit: -1 } }))).toBe(Code.InvalidArgument);
    expect(await code(projects.getTask({ taskId: "nope" }))).toBe(Code.NotFound);
    expect(await code(projects.cancelTask({ taskId: "nope" }))).toBe(Code.NotFound);
    expect(c.fake.requests).toEqual([]);
  });
});
