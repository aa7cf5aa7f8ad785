import type { RunStart } from "../store/run-start-store.js";
import { type RunPlan, userMessageOf } from "./run-plan.js";

/**
 * The rows that record a run's start: a queued run keeps its message and
 * request on its row until its turn. `owner`: the instance that will execute
 * it; empty for a run handed to the instance executing its conversation.
 */
export function startRows(plan: RunPlan, queued: boolean, owner: string): RunStart {
  return {
    conversation: plan.newConversation
      ? { id: plan.conversationId, name: plan.text.slice(0, 60), agentId: plan.profile.id, model: plan.model.name }
      : undefined,
    message: queued ? undefined : userMessageOf(plan),
    run: {
      id: plan.runId,
      conversation_id: plan.conversationId,
      agent_id: plan.profile.id,
      request_id: plan.requestId,
      request_hash: plan.requestHash,
      status: queued ? "queued" : "running",
      result: "",
      created_at: plan.startedAt,
      ended_at: "",
      // Acknowledged now, stored in the history when its turn comes: kept here so that a crash loses nothing.
      message: queued ? JSON.stringify(userMessageOf(plan)) : "",
      // Kept so that, should this instance die, the instance taking over can still execute it.
      request: queued ? (plan.storedRequest ?? "") : "",
      adopted_by: owner,
    },
  };
}
