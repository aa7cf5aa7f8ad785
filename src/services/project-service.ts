import { randomUUID } from "node:crypto";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import type { ProjectService } from "../../gen/floe/v1/project_pb.js";
import { kCallerKey } from "../security/index.js";
import type { AppContext } from "./app-context.js";
import { invalidValue } from "./request-errors.js";
import { codeOf } from "./run-failure.js";
import { limitField, notFound, requireField } from "./require.js";
import { taskEvents } from "./task-stream.js";
import { projectOf, syncResponseOf } from "./task-view.js";

const MAX_LIST = 1000;
const STATUSES = new Set(["pending", "running", "completed", "max_iterations", "error", "cancelled", "timeout"]);
const PROJECT_HINT = "list projects with GET /api/v1/projects or ProjectService.ListProjects";

/** Projects and tasks: every task runs through the one run engine (see TaskRunner). */
export function projectService(app: AppContext): ServiceImpl<typeof ProjectService> {
  const mustGetProject = async (id: string) => {
    const projectId = requireField(id, "project_id");
    const row = await app.projects.get(projectId);
    if (!row) throw notFound("project", projectId, PROJECT_HINT);
    return row;
  };
  return {
    async createProject(req) {
      const name = requireField(req.name, "name", "name the project");
      const row = { id: randomUUID(), name, description: req.description.trim(), created_at: new Date().toISOString() };
      await app.projects.insert(row);
      return { project: projectOf(row) };
    },
    async listProjects(req) {
      const rows = await app.projects.list(limitField(req.limit, "limit", MAX_LIST, MAX_LIST));
      return { projects: rows.map(projectOf) };
    },
    async getProject(req) {
      return { project: projectOf(await mustGetProject(req.projectId)) };
    },
    async executeTask(req, ctx) {
      const live = await app.tasks.start(req.task, ctx.values.get(kCallerKey));
      return { task: await app.tasks.get(live.id) };
    },
    async executeTaskSync(req, ctx) {
      const live = await app.tasks.start(req.task, ctx.values.get(kCallerKey));
      return syncResponseOf(failureOrTask(await live.done));
    },
    async *streamTask(req, ctx) {
      if (req.task && req.taskId.trim())
        throw invalidValue("task_id", "cannot be sent with task: send a task to start, or task_id to resume");
      if (req.task) {
        const live = await app.tasks.start(req.task, ctx.values.get(kCallerKey));
        const task = await app.tasks.get(live.id);
        yield* taskEvents(app, { task, afterSeq: 0, resume: false, signal: ctx.signal });
        return;
      }
      const taskId = requireField(req.taskId, "task", "send a task to start, or task_id to resume one");
      if (req.afterSeq < 0n) throw invalidValue("after_seq", `must not be negative, got ${req.afterSeq}`);
      const task = await app.tasks.get(taskId);
      yield* taskEvents(app, { task, afterSeq: Number(req.afterSeq), resume: true, signal: ctx.signal });
    },
    async getTask(req) {
      return { task: await app.tasks.get(requireField(req.taskId, "task_id")) };
    },
    async listTasks(req) {
      const projectId = req.projectId.trim();
      if (projectId) await mustGetProject(projectId);
      const status = req.status.trim();
      if (status && !STATUSES.has(status))
        throw invalidValue("status", `must be one of ${[...STATUSES].join(", ")}, got ${JSON.stringify(status)}`);
      const limit = limitField(req.limit, "limit", MAX_LIST, MAX_LIST);
      return { tasks: await app.tasks.list({ projectId, status, limit }) };
    },
    async cancelTask(req) {
      return app.tasks.cancel(requireField(req.taskId, "task_id"));
    },
  };
}

/**
 * A finished task, or the error it ended with: a task that failed or was
 * cancelled is an error on every surface. A timeout is an answer: the task
 * keeps what it produced.
 */
function failureOrTask<T extends { status: string; error?: { message: string; code: string } }>(t: T): T {
  if (t.status !== "error" && t.status !== "cancelled") return t;
  const message = t.error?.message || `the task ended with status ${t.status}`;
  throw new ConnectError(message, t.status === "cancelled" ? Code.Canceled : codeOf(t.error?.code ?? ""));
}
