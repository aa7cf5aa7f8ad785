import type { ChildProcess } from "node:child_process";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ProjectService } from "../gen/floe/v1/project_pb.js";
import type { FloeServer } from "../src/server/start-server.js";
import { type FakeOpenAI, reply, startFakeOpenAI } from "./support/fake-openai.js";
import { exited, floe, listening } from "./support/floe-process.js";
import { restCall, until } from "./support/rest.js";
import { createTestEnv, DIALECTS, type TestEnv } from "./support/test-server.js";

const client = (url: string) =>
  createClient(ProjectService, createConnectTransport({ baseUrl: url, httpVersion: "1.1" }));

describe("projects and tasks are stored", () => {
  let env: TestEnv;
  let fake: FakeOpenAI;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    child?.kill("SIGKILL");
    if (child) await exited(child);
    child = undefined;
    await env?.cleanup();
    await fake?.close();
  });
  const modelEnv = () => ({
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: "k",
    FLOE_MODEL: "fake-model",
    FLOE_MODEL_MAX_RETRIES: "0",
  });

  it.each(DIALECTS)(
    "survive a restart; a task stopped by a shutdown ends with an error saying so, on %s",
    async (dialect) => {
      fake = await startFakeOpenAI();
      env = await createTestEnv(dialect);
      let server: FloeServer = await env.start({ env: modelEnv() });
      let p = client(server.url);
      const project = (await p.createProject({ name: "Kept", description: "across restarts" })).project!;
      fake.enqueue(reply.toolCalls([{ name: "list_files", args: { path: "." } }]), reply.text("Done."));
      const done = await p.executeTaskSync({ task: { name: "First", projectId: project.id, timeLimit: 60 } });
      fake.enqueue(reply.hang(60_000));
      const { task: running } = await p.executeTask({ task: { name: "Hanging", projectId: project.id } });
      await until(() => fake.requests.length === 3, "the hanging task's model request");
      await server.close();

      server = await env.start({ env: modelEnv() });
      p = client(server.url);
      expect((await p.getProject({ projectId: project.id })).project).toEqual(project);
      const first = (await p.getTask({ taskId: done.taskId })).task!;
      expect(first).toMatchObject({
        status: "completed",
        response: "Done.",
        iterations: 2,
        spec: { name: "First", projectId: project.id, timeLimit: 60, maxIterations: 5, agentId: "default" },
      });
      expect(first.actionResults.map((a) => [a.action, a.status])).toEqual([["list_files", "completed"]]);
      const stopped = (await p.getTask({ taskId: running!.id })).task!;
      expect(stopped).toMatchObject({
        status: "error",
        error: { code: "aborted", message: "the server shut down while the task ran; execute it again" },
      });
      expect(stopped.endedAt).not.toBe("");
      const listed = await p.listTasks({ projectId: project.id });
      expect(listed.tasks.map((t) => [t.spec!.name, t.status])).toEqual([
        ["Hanging", "error"],
        ["First", "completed"],
      ]);
      // Its stream, replayed after the restart, ends with that one terminal event.
      const kinds: string[] = [];
      for await (const r of p.streamTask({ taskId: running!.id })) kinds.push(r.event!.kind.case!);
      expect(kinds).toEqual(["snapshot", "start", "progress", "error"]);
    },
  );

  it.each(DIALECTS)("a task cut off by a crash is marked interrupted at the next start, on %s", async (dialect) => {
    fake = await startFakeOpenAI();
    env = await createTestEnv(dialect);
    const start = () => {
      child = floe(["serve", "--workspace", env.workspace, "--port", "0"], {
        ...modelEnv(),
        FLOE_PROJECT_ROOT: env.workspace,
        ...(env.databaseUrl ? { FLOE_DATABASE_URL: env.databaseUrl } : {}),
      });
      return listening(child);
    };
    fake.enqueue(reply.hang(60_000));
    let url = await start();
    const started = await restCall(url, "POST", "/api/v1/tasks/execute", { name: "Doomed", time_limit: 600 });
    const taskId = started.body!.task_id as string;
    await until(() => fake.requests.length === 1, "the task's model request");
    child!.kill("SIGKILL");
    await exited(child!);

    url = await start();
    const task = (await restCall(url, "GET", `/api/v1/tasks/${taskId}`)).body!;
    expect(task).toMatchObject({
      status: "error",
      error: { code: "aborted", message: "the task was interrupted by a server restart; execute it again" },
    });
    const errored = (await client(url).listTasks({ status: "error" })).tasks;
    expect(errored.map((t) => t.id)).toEqual([taskId]);
    // Exactly one terminal task event, even though the task never wrote one itself.
    const events = [];
    for await (const r of client(url).streamTask({ taskId })) events.push(r.event!);
    expect(events.filter((e) => e.taskId === taskId && e.kind.case === "error")).toHaveLength(1);
    expect(events.at(-1)!.kind.case).toBe("error");
  });
});
