import type { Kysely, Updateable } from "kysely";
import { insertRows } from "./insert-rows.js";
import type { Database, TasksTable } from "./schema.js";

/** Task statuses of a task that has not ended. */
export const OPEN_TASK_STATUSES = ["pending", "running"] as const;
/** Task and run statuses that count as done (telemetry's "tasks completed"). */
export const DONE_STATUSES = ["completed", "max_iterations"] as const;

export interface TaskFilter {
  projectId: string;
  status: string;
  limit: number;
}

/** The stored tasks. */
export class TaskRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(t: TasksTable): Promise<void> {
    await insertRows(this.db, "tasks", [t]);
  }

  async update(id: string, fields: Updateable<TasksTable>): Promise<void> {
    await this.db.updateTable("tasks").set(fields).where("id", "=", id).execute();
  }

  async get(id: string): Promise<TasksTable | undefined> {
    return this.db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Newest first; empty filter fields match everything. */
  async list(f: TaskFilter): Promise<TasksTable[]> {
    let q = this.db.selectFrom("tasks").selectAll();
    if (f.projectId) q = q.where("project_id", "=", f.projectId);
    if (f.status) q = q.where("status", "=", f.status);
    return q.orderBy("created_at", "desc").orderBy("id", "desc").limit(f.limit).execute();
  }

  /** Tasks a previous process left pending or running. */
  async open(): Promise<TasksTable[]> {
    return this.db
      .selectFrom("tasks")
      .selectAll()
      .where("status", "in", [...OPEN_TASK_STATUSES])
      .execute();
  }

  /** Done tasks per agent. */
  async doneByAgent(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom("tasks")
      .select((eb) => ["agent_id", eb.fn.countAll<number | string>().as("n")])
      .where("status", "in", [...DONE_STATUSES])
      .groupBy("agent_id")
      .execute();
    return new Map(rows.map((r) => [r.agent_id, Number(r.n)]));
  }

  /** Done runs per agent that were a task's work (a task counts once, not per run). */
  async doneTaskRunsByAgent(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom("runs")
      .innerJoin("tasks", "tasks.conversation_id", "runs.conversation_id")
      .select((eb) => ["runs.agent_id", eb.fn.countAll<number | string>().as("n")])
      .where("runs.status", "in", [...DONE_STATUSES])
      .groupBy("runs.agent_id")
      .execute();
    return new Map(rows.map((r) => [r.agent_id, Number(r.n)]));
  }
}
