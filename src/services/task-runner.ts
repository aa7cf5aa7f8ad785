import { randomUUID } from "node:crypto";
import { toJsonString } from "@bufbuild/protobuf";
import { type Task, type TaskSpec, TaskSpecSchema } from "../../gen/floe/v1/project_pb.js";
import type { ModelRegistry } from "../agent/model-registry.js";
import type { AgentProfile } from "../domain/agent-profile.js";
import { isTerminal } from "../events/caught-up.js";
import type { ProjectRepository } from "../store/project-repository.js";
import type { TasksTable } from "../store/schema.js";
import type { TaskFilter } from "../store/task-repository.js";
import { LiveTask, type TaskEngine } from "./live-task.js";
import { notFound } from "./require.js";
import { validateTask } from "./task-spec.js";
import { errorJson, taskOf } from "./task-view.js";

export interface TaskRunnerDeps extends TaskEngine {
  projects: ProjectRepository;
  models: ModelRegistry;
  profiles: (agentId: string) => AgentProfile | undefined;
}

const LIST_HINT = "list tasks with GET /api/v1/tasks or ProjectService.ListTasks";

/**
 * Tasks: each is stored, runs in a conversation of its own through the one
 * run engine (see LiveTask), and can be followed, listed and cancelled.
 */
export class TaskRunner {
  private readonly live = new Map<string, LiveTask>();

  constructor(private readonly d: TaskRunnerDeps) {}

  get projects(): ProjectRepository {
    return this.d.projects;
  }

  /** Validates and stores a task, starts it, and returns it running; its events begin with its `start`. */
  async start(spec: TaskSpec | undefined, keyName?: string): Promise<LiveTask> {
    const d = this.d;
    const t = validateTask(spec, d.profiles, d.models);
    const projectId = t.spec.projectId;
    if (projectId && !(await d.projects.get(projectId)))
      throw notFound("project", projectId, "create it with POST /api/v1/projects/create, or omit project_id");
    const conversation = await d.conversations.create(`Task: ${t.name}`.slice(0, 80), t.agent.id, t.modelName);
    await d.events.prepare(conversation.id);
    const row: TasksTable = {
      id: randomUUID(),
      project_id: projectId,
      agent_id: t.agent.id,
      spec: toJsonString(TaskSpecSchema, t.spec),
      status: "pending",
      conversation_id: conversation.id,
      run_ids: "[]",
      response: "",
      iterations: 0,
      action_results: "[]",
      error: "",
      created_at: new Date().toISOString(),
      started_at: "",
      ended_at: "",
    };
    await d.tasks.insert(row);
    const live = new LiveTask(d, t, row, keyName);
    this.live.set(row.id, live);
    void live.done.then(() => this.live.delete(row.id));
    return live;
  }

  /** A task as it is now: a live one from memory (ahead of its row), else as stored. NotFound otherwise. */
  async get(taskId: string): Promise<Task> {
    const live = this.live.get(taskId);
    if (live) return taskOf(live.row);
    const row = await this.d.tasks.get(taskId);
    if (!row) throw notFound("task", taskId, LIST_HINT);
    return taskOf(row);
  }

  /** Whether the task is still running in this process. */
  isLive(taskId: string): boolean {
    return this.live.has(taskId);
  }

  async list(f: TaskFilter): Promise<Task[]> {
    const rows = await this.d.tasks.list(f);
    return rows.map((r) => taskOf(this.live.get(r.id)?.row ?? r));
  }

  /** Stops a running task (ending `cancelled`); a finished task is answered as it is. Idempotent. */
  async cancel(taskId: string): Promise<{ task: Task; cancelled: boolean }> {
    const live = this.live.get(taskId);
    if (!live) return { task: await this.get(taskId), cancelled: false };
    return { task: await live.halt("cancelled"), cancelled: true };
  }

  /** Server shutdown: every running task ends with an error saying so, before the runs are shut down. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.live.values()].map((t) => t.halt("shutdown")));
  }

  /**
   * Ends tasks a previous process left open: with the terminal event it
   * stored before it stopped, else with an `error` event. Run after the run
   * registry's own recovery, so that their runs have ended. With several
   * instances, `alive` spares tasks whose conversation another instance runs.
   */
  async recoverInterrupted(alive: (conversationId: string) => boolean = () => false): Promise<void> {
    const { events, tasks } = this.d;
    for (const row of await tasks.open()) {
      if (alive(row.conversation_id)) continue;
      await events.prepare(row.conversation_id);
      const { events: stored } = await events.readFrom(row.conversation_id, 0);
      const terminal = stored.find((e) => e.taskId === row.id && isTerminal(e));
      const ended_at = new Date().toISOString();
      if (terminal) {
        const status = terminal.kind.case === "complete" ? terminal.kind.value.status || "completed" : "error";
        await tasks.update(row.id, { status: terminal.kind.case === "cancelled" ? "cancelled" : status, ended_at });
        continue;
      }
      const error = { message: "the task was interrupted by a server restart; execute it again", code: "aborted" };
      events.append(row.conversation_id, "", row.agent_id, { case: "error", value: error }, undefined, row.id);
      await events.flush();
      await tasks.update(row.id, { status: "error", error: errorJson(error.message, error.code), ended_at });
    }
  }

  /** Done tasks per agent, and the done runs that were their work (telemetry counts a task once). */
  async doneCounts(): Promise<{ tasks: Map<string, number>; taskRuns: Map<string, number> }> {
    const [tasks, taskRuns] = await Promise.all([this.d.tasks.doneByAgent(), this.d.tasks.doneTaskRunsByAgent()]);
    return { tasks, taskRuns };
  }
}
