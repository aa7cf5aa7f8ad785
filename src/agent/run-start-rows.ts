import type { RunStart } from "../store/run-start-store.js";
import type { Run } from "./run.js";
import { userMessageOf } from "./run-plan.js";

/** The rows that record a run's start: a queued run keeps its message and request on its row until its turn. */
export function startRows(run: Run, queued: boolean, owner: string): RunStart {
  const { plan } = run;
  return {
    conversation: plan.newConversation
      ? { id: run.conversationId, name: plan.text.slice(0, 60), agentId: run.agentId, model: plan.model.name }
      : undefined,
    message: queued ? undefined : userMessageOf(plan),
    run: {
      id: run.id,
      conversation_id: run.conversationId,
      agent_id: run.agentId,
      request_id: plan.requestId,
      request_hash: plan.requestHash,
      status: queued ? "queued" : "running",
      result: "",
      created_at: run.startedAt,
      ended_at: "",
      // Acknowledged now, stored in the history when its turn comes: kept here so that a crash loses nothing.
      message: queued ? JSON.stringify(userMessageOf(plan)) : "",
      // Kept so that, should this instance die, the instance taking over can still execute it.
      request: queued ? (plan.storedRequest ?? "") : "",
      adopted_by: owner,
    },
  };
}
