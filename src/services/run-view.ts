import { setTimeout as sleep } from "node:timers/promises";
import { create, fromJsonString } from "@bufbuild/protobuf";
import {
  type GetRunRequest,
  type GetRunResponse,
  GetRunResponseSchema,
  SendMessageResponseSchema,
} from "../../gen/floe/v1/chat_pb.js";
import type { RunRow } from "../store/run-repository.js";
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
  const found = await app.runRecords.byId(runId);
  if (!found) throw notFound("run", runId, "a run id comes from the start event of a run, or from SendMessage");
  const row = await settled(app, found);
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

/** How long GetRun waits for the result of a run another instance ended. */
const RESULT_WAIT_MS = 2_000;

/**
 * A run's terminal event is stored before its result (so a crash between the
 * two leaves an open run that recovery ends, never a finished run without its
 * event). A caller who saw the terminal event and asks at once would read the
 * run as still open: the result, which follows within milliseconds, is waited
 * for. A run executing here says so itself; one that ended elsewhere is known
 * by its stored terminal event.
 */
async function settled(app: AppContext, row: RunRow): Promise<RunRow> {
  if (row.ended_at) return row;
  const live = app.runs.find(row.id);
  if (live && !live.ending) return row;
  if (live) await live.done;
  else if (!(await app.events.storedTerminal(row.conversation_id, row.id))) return row;
  const until = Date.now() + RESULT_WAIT_MS;
  for (;;) {
    const again = await app.runRecords.byId(row.id);
    if (!again || again.ended_at || Date.now() >= until) return again ?? row;
    await sleep(20);
  }
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
