import { create } from "@bufbuild/protobuf";
import { ChatRequestSchema } from "../../gen/floe/v1/chat_pb.js";
import { type TaskSpec, TaskSpecSchema } from "../../gen/floe/v1/project_pb.js";
import type { ModelRegistry } from "../agent/model-registry.js";
import type { AgentProfile } from "../domain/agent-profile.js";
import { agentFor, DEFAULT_MAX_ITERATIONS, modelFor } from "./chat-request.js";
import { invalidField, invalidValue } from "./request-errors.js";

/** The longest time limit a task may set: a day, in seconds. */
export const MAX_TIME_LIMIT_S = 86_400;
const MAX_TASK_ITERATIONS = 100;
/**
 * How the model says a continuous task is done: this word in its answer. The
 * prompts tell it so; the word is taken out of the response the task keeps.
 */
export const COMPLETION_MARKER = "TASK_COMPLETE";
const MARKER_RE = new RegExp(`\\b${COMPLETION_MARKER}\\b`, "g");

/** A task spec with its defaults, checked on every surface alike. */
export interface ValidTask {
  spec: TaskSpec;
  name: string;
  description: string;
  agent: AgentProfile;
  modelName: string;
  maxIterations: number;
  /** Seconds; 0 is no limit. */
  timeLimit: number;
}

/** The rules a task passes before anything is stored (the project's existence is checked by the caller). */
export function validateTask(
  spec: TaskSpec | undefined,
  profiles: (id: string) => AgentProfile | undefined,
  models: ModelRegistry,
): ValidTask {
  if (!spec) throw invalidField("task", 'is required: send {"task": {"name": "…", "description": "…"}}');
  const name = spec.name.trim();
  if (!name) throw invalidField("name", "is required: name the task");
  const timeLimit = spec.timeLimit;
  if (timeLimit < 0 || timeLimit > MAX_TIME_LIMIT_S)
    throw invalidValue("time_limit", `must be between 0 (no limit) and ${MAX_TIME_LIMIT_S} seconds, got ${timeLimit}`);
  const maxIterations = spec.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (maxIterations < 1 || maxIterations > MAX_TASK_ITERATIONS)
    throw invalidValue("max_iterations", `must be between 1 and ${MAX_TASK_ITERATIONS}, got ${maxIterations}`);
  const chat = create(ChatRequestSchema, { agentId: spec.agentId });
  const agent = agentFor(chat, profiles);
  const description = spec.description.trim() || name;
  const normalized = create(TaskSpecSchema, {
    ...spec,
    name,
    description,
    agentId: agent.id,
    projectId: spec.projectId.trim(),
    maxIterations,
  });
  return {
    spec: normalized,
    name,
    description,
    agent,
    modelName: modelFor(chat, agent, models).name,
    maxIterations,
    timeLimit,
  };
}

/** What the task's first run is asked. */
export function firstPrompt(t: ValidTask): string {
  const goal = `Task: ${t.name}\n\n${t.description}`;
  if (!t.spec.continuous) return goal;
  return `${goal}\n\nWork toward this goal step by step. ${doneHint()}`;
}

/** What each later iteration of a continuous task is asked. */
export function continuePrompt(t: ValidTask, iteration: number): string {
  return (
    `Continue working toward the task's goal: ${t.name}. ` +
    `This is iteration ${iteration} of at most ${t.maxIterations}. ${doneHint()}`
  );
}

function doneHint(): string {
  return `When the task is fully done, end your answer with ${COMPLETION_MARKER} on a line of its own.`;
}

/** Whether an answer signals that the task is done, and the answer without the marker. */
export function completionOf(answer: string): { done: boolean; text: string } {
  const done = MARKER_RE.test(answer);
  MARKER_RE.lastIndex = 0;
  return { done, text: done ? answer.replace(MARKER_RE, "").trim() : answer };
}
