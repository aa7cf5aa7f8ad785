import { create, fromJson, fromJsonString, type JsonValue, toJson, toJsonString } from "@bufbuild/protobuf";
import { type ActionResult, ActionResultSchema } from "../../gen/floe/v1/common_pb.js";
import { ErrorEventSchema } from "../../gen/floe/v1/events_pb.js";
import {
  type ExecuteTaskSyncResponse,
  ExecuteTaskSyncResponseSchema,
  type Project,
  ProjectSchema,
  type Task,
  TaskSchema,
  TaskSpecSchema,
} from "../../gen/floe/v1/project_pb.js";
import type { ProjectsTable, TasksTable } from "../store/schema.js";

/** A stored project as the API shows it. */
export function projectOf(r: ProjectsTable): Project {
  return create(ProjectSchema, { id: r.id, name: r.name, description: r.description, createdAt: r.created_at });
}

/** Seconds between start and end (or `now` while the task runs). */
export function executionTime(r: TasksTable, now: number): number {
  if (!r.started_at) return 0;
  const end = r.ended_at ? Date.parse(r.ended_at) : now;
  return Math.max(0, (end - Date.parse(r.started_at)) / 1000);
}

/** A task's row (stored or live) as the API shows it. */
export function taskOf(r: TasksTable, now = Date.now()): Task {
  const runIds = JSON.parse(r.run_ids) as string[];
  return create(TaskSchema, {
    id: r.id,
    spec: fromJsonString(TaskSpecSchema, r.spec),
    status: r.status,
    runId: runIds.at(-1) ?? "",
    runIds,
    conversationId: r.conversation_id,
    response: r.response,
    createdAt: r.created_at,
    iterations: r.iterations,
    actionResults: actionsOf(r.action_results),
    startedAt: r.started_at,
    endedAt: r.ended_at,
    executionTime: executionTime(r, now),
    error: r.error ? fromJsonString(ErrorEventSchema, r.error) : undefined,
  });
}

export function actionsOf(json: string): ActionResult[] {
  return (JSON.parse(json) as JsonValue[]).map((a) => fromJson(ActionResultSchema, a));
}

export function actionsJson(actions: readonly ActionResult[]): string {
  return JSON.stringify(actions.map((a) => toJson(ActionResultSchema, a)));
}

export function errorJson(message: string, code: string): string {
  return toJsonString(ErrorEventSchema, create(ErrorEventSchema, { message, code }));
}

/** The documented execute-sync answer of a finished task. */
export function syncResponseOf(t: Task): ExecuteTaskSyncResponse {
  const spec = t.spec;
  return create(ExecuteTaskSyncResponseSchema, {
    status: t.status,
    response: t.response,
    iterations: t.iterations,
    executionTime: t.executionTime,
    actionResults: t.actionResults,
    taskMetadata: {
      name: spec?.name ?? "",
      description: spec?.description ?? "",
      continuous: spec?.continuous ?? false,
      time_limit: spec?.timeLimit ?? 0,
      max_iterations: spec?.maxIterations ?? 0,
      project_id: spec?.projectId ?? "",
      agent_id: spec?.agentId ?? "",
      conversation_id: t.conversationId,
    },
    taskId: t.id,
  });
}
