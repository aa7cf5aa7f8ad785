import {
  CreateProjectRequestSchema,
  ExecuteTaskSyncResponseSchema,
  ListProjectsResponseSchema,
  ListTasksResponseSchema,
  ProjectSchema,
  ProjectService,
  type Task,
  TaskSchema,
  TaskSpecSchema,
} from "../../../gen/floe/v1/project_pb.js";
import { toDocJson } from "../doc-json.js";
import { bodyObject, parseAs, queryInt, queryString } from "../request-json.js";
import type { SurfaceRoutes } from "../surface-routes.js";

type ProjectParams = { project_id: string };
type TaskParams = { task_id: string };
const projectJson = (p: Parameters<typeof toDocJson>[1]) => {
  const doc = toDocJson(ProjectSchema, p);
  return { ...doc, project_id: doc.id };
};
/** A task with `task_id` beside `id`, as Penguin's clients read it. */
export const taskJson = (t: Task | undefined) => {
  const doc = toDocJson(TaskSchema, t);
  return { ...doc, task_id: doc.id };
};

/** Penguin's body is the task itself; `task_description` is what its Python client names the description. */
export function taskSpecOf(body: Record<string, unknown>) {
  const { task_description, ...rest } = body;
  const json =
    rest.description === undefined && task_description !== undefined
      ? { ...rest, description: task_description }
      : rest;
  return parseAs(TaskSpecSchema, json);
}

/** Penguin's project and task routes. */
export function registerPenguinTaskRoutes(r: SurfaceRoutes): void {
  registerProjectRoutes(r);
  registerTaskRoutes(r);
}

function registerProjectRoutes(r: SurfaceRoutes): void {
  r.add({
    method: "POST",
    url: "/projects/create",
    tag: "projects",
    summary: "Create a project",
    body: CreateProjectRequestSchema,
    response: ProjectSchema,
    async handler(req, reply) {
      const input = parseAs(CreateProjectRequestSchema, bodyObject(req));
      return projectJson((await r.inv.unary(ProjectService.method.createProject, input, req, reply)).project);
    },
  });
  r.add({
    method: "GET",
    url: "/projects",
    tag: "projects",
    summary: "List projects, newest first",
    query: { limit: { type: "integer" } },
    response: ListProjectsResponseSchema,
    async handler(req, reply) {
      const input = { limit: queryInt(req, "limit", 0) };
      const res = await r.inv.unary(ProjectService.method.listProjects, input, req, reply);
      return { projects: res.projects.map(projectJson) };
    },
  });
  r.add({
    method: "GET",
    url: "/projects/:project_id",
    tag: "projects",
    summary: "Get a project",
    response: ProjectSchema,
    async handler(req, reply) {
      const { project_id } = req.params as ProjectParams;
      const res = await r.inv.unary(ProjectService.method.getProject, { projectId: project_id }, req, reply);
      return projectJson(res.project);
    },
  });
}

function registerTaskRoutes(r: SurfaceRoutes): void {
  r.add({
    method: "POST",
    url: "/tasks/execute",
    tag: "tasks",
    summary: "Start a task in the background; answers at once with its id",
    body: TaskSpecSchema,
    response: TaskSchema,
    async handler(req, reply) {
      const task = taskSpecOf(bodyObject(req));
      return taskJson((await r.inv.unary(ProjectService.method.executeTask, { task }, req, reply)).task);
    },
  });
  r.add({
    method: "POST",
    url: "/tasks/execute-sync",
    tag: "tasks",
    summary: "Run a task and answer when it ends",
    body: TaskSpecSchema,
    response: ExecuteTaskSyncResponseSchema,
    async handler(req, reply) {
      const task = taskSpecOf(bodyObject(req));
      const res = await r.inv.unary(ProjectService.method.executeTaskSync, { task }, req, reply);
      return toDocJson(ExecuteTaskSyncResponseSchema, res);
    },
  });
  r.add({
    method: "GET",
    url: "/tasks",
    tag: "tasks",
    summary: "List tasks, newest first (project_id, status, limit)",
    query: { project_id: { type: "string" }, status: { type: "string" }, limit: { type: "integer" } },
    response: ListTasksResponseSchema,
    async handler(req, reply) {
      const input = {
        projectId: queryString(req, "project_id"),
        status: queryString(req, "status"),
        limit: queryInt(req, "limit", 0),
      };
      const res = await r.inv.unary(ProjectService.method.listTasks, input, req, reply);
      return { tasks: res.tasks.map(taskJson) };
    },
  });
  r.add({
    method: "GET",
    url: "/tasks/:task_id",
    tag: "tasks",
    summary: "A task's status and results",
    response: TaskSchema,
    async handler(req, reply) {
      const { task_id } = req.params as TaskParams;
      return taskJson((await r.inv.unary(ProjectService.method.getTask, { taskId: task_id }, req, reply)).task);
    },
  });
  r.add({
    method: "POST",
    url: "/tasks/:task_id/cancel",
    tag: "tasks",
    summary: "Cancel a running task (idempotent)",
    response: { type: "object", properties: { task_id: { type: "string" }, cancelled: { type: "boolean" } } },
    async handler(req, reply) {
      const { task_id } = req.params as TaskParams;
      const res = await r.inv.unary(ProjectService.method.cancelTask, { taskId: task_id }, req, reply);
      return { task_id, status: res.task?.status ?? "", cancelled: res.cancelled, task: taskJson(res.task) };
    },
  });
}
