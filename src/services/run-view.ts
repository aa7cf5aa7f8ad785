import { create, fromJsonString } from "@bufbuild/protobuf";
import {
  type GetRunRequest,
  type GetRunResponse,
  GetRunResponseSchema,
  SendMessageResponseSchema,
} from "../../gen/floe/v1/chat_pb.js";
import type { ApprovalsTable } from "../store/schema.js";
import type { AppContext } from "./app-context.js";
import { notFound, requireField } from "./require.js";

/**
 * ChatService.GetRun: one run as the runs table holds it, so that any
 * instance (and any surface, such as A2A's tasks/get) can report a run it did
 * not start, also after a restart.
 */
export async function getRun(app: AppContext, req: GetRunRequest): Promise<GetRunResponse> {
  const runId = requireField(req.runId, "run_id");
  const row = await app.runRecords.byId(runId);
  if (!row) throw notFound("run", runId, "a run id comes from the start event of a run, or from SendMessage");
  const waiting = row.ended_at ? [] : await app.approvals.pending(row.conversation_id);
  return create(GetRunResponseSchema, {
    runId: row.id,
    conversationId: row.conversation_id,
    agentId: row.agent_id,
    status: row.status,
    result: row.result ? fromJsonString(SendMessageResponseSchema, row.result) : undefined,
    pendingApprovals: waiting.filter((a) => a.run_id === row.id).map(pendingApproval),
    createdAt: row.created_at,
    endedAt: row.ended_at,
  });
}

/** A stored approval request as snapshots list it. */
export function pendingApproval(a: ApprovalsTable) {
  return {
    id: a.id,
    toolName: a.tool_name,
    operation: a.operation,
    resource: a.resource,
    reason: a.reason,
    sessionId: a.conversation_id,
    createdAt: a.created_at,
    expiresAt: a.expires_at,
  };
}
