import type { Artifact, Message, StreamResponse, Task, TaskState as TaskStateT } from "@a2a-js/sdk";
import { TaskState } from "@a2a-js/sdk";
import type { GetRunResponse } from "../../../gen/floe/v1/chat_pb.js";
import type { PendingApproval } from "../../../gen/floe/v1/events_pb.js";
import { textMessage, textPart } from "../../domain/a2a-parts.js";

/** The one artifact a run's answer streams into. */
export const ANSWER_ARTIFACT = "answer";

/** A task's address: its id is the run's, its context the conversation's. */
export interface TaskAddress {
  taskId: string;
  contextId: string;
}

/** The A2A state of a run's status; a live run waiting on a human is input-required. */
export function stateOfRun(status: string, waitingOnApproval: boolean): TaskStateT {
  switch (status) {
    case "queued":
      return TaskState.TASK_STATE_SUBMITTED;
    case "completed":
    case "max_iterations":
      return TaskState.TASK_STATE_COMPLETED;
    case "error":
      return TaskState.TASK_STATE_FAILED;
    case "cancelled":
      return TaskState.TASK_STATE_CANCELED;
    default:
      return waitingOnApproval ? TaskState.TASK_STATE_INPUT_REQUIRED : TaskState.TASK_STATE_WORKING;
  }
}

/** A task as GetRun reports the run: its state, its answer as an artifact, why it failed or waits. */
export function taskOfRun(run: GetRunResponse): Task {
  const at = { taskId: run.runId, contextId: run.conversationId };
  const state = stateOfRun(run.status, run.pendingApprovals.length > 0);
  const answer = state === TaskState.TASK_STATE_COMPLETED ? (run.result?.response ?? "") : "";
  const why =
    run.result?.error?.message ?? (run.pendingApprovals[0] ? approvalText(run.pendingApprovals[0]) : undefined);
  const message = answer ? textMessage("agent", answer, at) : why ? textMessage("agent", why, at) : undefined;
  return {
    id: run.runId,
    contextId: run.conversationId,
    status: { state, message, timestamp: run.endedAt || run.createdAt || undefined },
    artifacts: answer ? [answerArtifact(answer)] : [],
    history: message ? [message] : [],
    metadata: { floe: { agentId: run.agentId, runStatus: run.status } },
  };
}

export function answerArtifact(text: string): Artifact {
  return {
    artifactId: ANSWER_ARTIFACT,
    name: "answer",
    description: "The agent's answer",
    parts: [textPart(text)],
    metadata: undefined,
    extensions: [],
  };
}

/** What a client is told about a tool call that waits for a human decision, and how to give it. */
export function approvalText(
  a: Pick<PendingApproval, "id" | "toolName" | "operation" | "resource" | "reason">,
): string {
  return (
    `approval ${a.id} needed: ${a.toolName} wants ${a.operation} on ${JSON.stringify(a.resource)} (${a.reason}); ` +
    `approve or deny it with floe.v1.SecurityService (POST /api/v1/approvals/${a.id}/approve or /deny)`
  );
}

/** A status-update stream response. */
export function statusUpdate(
  at: TaskAddress,
  state: TaskStateT,
  message?: Message,
  metadata?: Record<string, unknown>,
): StreamResponse {
  return {
    payload: {
      $case: "statusUpdate",
      value: {
        taskId: at.taskId,
        contextId: at.contextId,
        status: { state, message, timestamp: new Date().toISOString() },
        metadata,
      },
    },
  };
}
