import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ProjectService } from "../gen/floe/v1/project_pb.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { restCall } from "./support/rest.js";

describe("projects: POST /api/v1/projects/create, GET /api/v1/projects[/{id}] and ProjectService", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  const call = (method: string, path: string, body?: unknown) => restCall(c.server.url, method, path, body);
  const projects = () =>
    createClient(ProjectService, createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }));

  it("makes a stored project that can be listed and fetched, and groups tasks under it", async () => {
    c = await createChatEnv();
    const created = await call("POST", "/api/v1/projects/create", {
      name: "My New Project",
      description: "Optional project description",
    });
    expect(created.status).toBe(200);
    const id = created.body!.id as string;
    expect(created.body).toEqual({
      id,
      project_id: id,
      name: "My New Project",
      description: "Optional project description",
      created_at: expect.any(String),
    });
    const other = (await projects().createProject({ name: "Second" })).project!;
    expect(other).toMatchObject({ name: "Second", description: "" });
    expect((await call("GET", `/api/v1/projects/${id}`)).body).toEqual(created.body);
    const list = await call("GET", "/api/v1/projects");
    expect(list.body!.projects.map((p: any) => p.name).sort()).toEqual(["My New Project", "Second"]);
    expect((await projects().listProjects({ limit: 1 })).projects).toHaveLength(1);
    expect((await projects().getProject({ projectId: other.id })).project).toEqual(other);

    c.fake.enqueue(reply.text("one"), reply.text("two"));
    const inProject = await call("POST", "/api/v1/tasks/execute-sync", { name: "In project", project_id: id });
    expect(inProject.body!.task_metadata.project_id).toBe(id);
    await call("POST", "/api/v1/tasks/execute-sync", { name: "Loose" });
    const mine = await call("GET", `/api/v1/tasks?project_id=${id}`);
    expect(mine.body!.tasks.map((t: any) => [t.spec.name, t.spec.project_id])).toEqual([["In project", id]]);
    const viaConnect = await projects().listTasks({ projectId: id, status: "completed" });
    expect(viaConnect.tasks.map((t) => t.id)).toEqual([inProject.body!.task_id]);
    expect((await projects().listTasks({})).tasks.map((t) => t.spec!.name)).toEqual(["Loose", "In project"]);
  });

  it("refuses a blank name (422), an unknown project (404) and a bad limit (400)", async () => {
    c = await createChatEnv();
    expect(await call("POST", "/api/v1/projects/create", { description: "no name" })).toEqual({
      status: 422,
      body: { detail: [{ loc: ["body", "name"], msg: "field required", type: "value_error.missing" }] },
    });
    expect((await call("POST", "/api/v1/projects/create", { name: 7 })).status).toBe(422);
    const missing = await call("GET", "/api/v1/projects/nope");
    expect(missing.status).toBe(404);
    expect(missing.body!.detail).toMatch(/^project "nope" not found/);
    expect((await call("GET", "/api/v1/projects?limit=-1")).status).toBe(400);
    const code = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e) => ConnectError.from(e).code,
      );
    expect(await code(projects().createProject({ name: " " }))).toBe(Code.InvalidArgument);
    expect(await code(projects().getProject({ projectId: "nope" }))).toBe(Code.NotFound);
    expect(await code(projects().getProject({}))).toBe(Code.InvalidArgument);
    expect((await call("GET", "/api/v1/projects")).body).toEqual({ projects: [] });
    // The capability is advertised now that it is served.
    expect((await call("GET", "/api/v1/capabilities")).body!.capabilities.task_execution).toBe(true);
  });
});
