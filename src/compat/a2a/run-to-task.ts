import type { Message, StreamResponse, Task, TaskState as TaskStateT } from "@a2a-js/sdk";
import { TaskState } from "@a2a-js/sdk";
import type { Event } from "../../../gen/floe/v1/events_pb.js";
import { textMessage } from "../../domain/a2a-parts.js";
import { answerArtifact, approvalText, statusUpdate, type TaskAddress } from "./task-view.js";

const TERMINAL: readonly TaskStateT[] = [
  TaskState.TASK_STATE_COMPLETED,
  TaskState.TASK_STATE_FAILED,
  TaskState.TASK_STATE_CANCELED,
];

/**
 * Follows one run's Floe events and says them as A2A: the task (submitted)
 * at the first event, status updates for its progress, tool calls and
 * approvals, the answer as an artifact streamed chunk by chunk, and one
 * terminal status. It keeps the task's latest snapshot for unary answers.
 */
export class RunToTask {
  private at: TaskAddress | undefined;
  private state: TaskStateT = TaskState.TASK_STATE_SUBMITTED;
  private statusMessage: Message | undefined;
  private answer = "";
  private streamed = false;

  /** `userMessage`: the message that started the run, when known (not on a resubscribe). */
  constructor(private readonly userMessage: Message | undefined) {}

  get started(): boolean {
    return this.at !== undefined;
  }

  get terminal(): boolean {
    return TERMINAL.includes(this.state);
  }

  get inputRequired(): boolean {
    return this.state === TaskState.TASK_STATE_INPUT_REQUIRED;
  }

  /** The A2A stream responses one Floe event of the run becomes (often none). */
  map(e: Event): StreamResponse[] {
    if (!e.runId) return [];
    const out: StreamResponse[] = [];
    if (!this.at) {
      this.at = { taskId: e.runId, contextId: e.conversationId };
      out.push({ payload: { $case: "task", value: this.task() } });
    }
    const update = this.update(e, this.at);
    if (update) out.push(...update);
    return out;
  }

  /** The task as it stands. */
  task(): Task {
    const at = this.at ?? { taskId: "", contextId: "" };
    const user = this.userMessage && { ...this.userMessage, taskId: at.taskId, contextId: at.contextId };
    const status = this.statusMessage;
    return {
      id: at.taskId,
      contextId: at.contextId,
      status: { state: this.state, message: status, timestamp: new Date().toISOString() },
      artifacts: this.answer ? [answerArtifact(this.answer)] : [],
      history: [user, status].filter((m): m is Message => m !== undefined),
      metadata: undefined,
    };
  }

  private set(at: TaskAddress, state: TaskStateT, text: string, metadata?: Record<string, unknown>): StreamResponse {
    this.state = state;
    this.statusMessage = text ? textMessage("agent", text, at) : undefined;
    return statusUpdate(at, state, this.statusMessage, metadata);
  }

  private update(e: Event, at: TaskAddress): StreamResponse[] | undefined {
    const k = e.kind;
    const working = TaskState.TASK_STATE_WORKING;
    switch (k.case) {
      case "start":
        return [this.set(at, working, "", { floe: { model: k.value.model } })];
      case "token":
        return [this.chunk(at, k.value.token)];
      case "toolStart":
        return [this.set(at, working, `calling ${k.value.name}`, { floe: { tool: k.value.name } })];
      case "toolComplete":
        return [
          this.set(at, working, `${k.value.name} ${k.value.status || (k.value.success ? "completed" : "error")}`),
        ];
      case "progress":
        return k.value.message ? [this.set(at, working, k.value.message)] : undefined;
      case "approvalRequired": {
        const { requestId: id, ...rest } = k.value;
        const approval = { id, ...rest };
        return [this.set(at, TaskState.TASK_STATE_INPUT_REQUIRED, approvalText(approval), { floe: { approval } })];
      }
      case "approvalResolved":
        return [this.set(at, working, `approval ${k.value.requestId} ${k.value.status}`)];
      case "complete":
        this.answer = k.value.response;
        return [
          { payload: { $case: "artifactUpdate", value: this.artifact(at, k.value.response, false, true) } },
          this.set(at, TaskState.TASK_STATE_COMPLETED, k.value.response),
        ];
      case "error":
        return [this.set(at, TaskState.TASK_STATE_FAILED, k.value.message, { floe: { code: k.value.code } })];
      case "cancelled":
        return [this.set(at, TaskState.TASK_STATE_CANCELED, `cancelled: ${k.value.reason}`)];
      default:
        return undefined;
    }
  }

  /** An answer chunk: the first replaces the artifact, later ones append; the complete event sends it whole. */
  private chunk(at: TaskAddress, token: string): StreamResponse {
    const append = this.streamed;
    this.streamed = true;
    this.answer += token;
    return { payload: { $case: "artifactUpdate", value: this.artifact(at, token, append, false) } };
  }

  private artifact(at: TaskAddress, text: string, append: boolean, lastChunk: boolean) {
    return {
      taskId: at.taskId,
      contextId: at.contextId,
      artifact: answerArtifact(text),
      append,
      lastChunk,
      metadata: undefined,
    };
  }
}
