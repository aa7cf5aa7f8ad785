import type { MessageInitShape } from "@bufbuild/protobuf";
import type { StreamTaskResponseSchema, Task } from "../../gen/floe/v1/project_pb.js";
import { isTerminal } from "../events/caught-up.js";
import { subscribe } from "../events/subscription.js";
import type { AppContext } from "./app-context.js";
import { pendingApproval } from "./run-view.js";

/** Run events a task's stream shows besides the task's own: what a human must answer, and losses. */
const SHOWN_RUN_EVENTS = new Set(["approvalRequired", "approvalResolved", "gap"]);

export interface TaskCursor {
  task: Task;
  /** Replay after this seq of the task's conversation. */
  afterSeq: number;
  /** A resume opens with a snapshot; a new task's stream with its start event. */
  resume: boolean;
  signal: AbortSignal;
}

/**
 * A task's events: its own (start, progress, action, and one terminal
 * event) and its runs' approval events, from the cursor until the task's
 * terminal event. The first response, and the terminal one, carry the
 * task's state. A resume of a task that already ended stops once caught up.
 */
export async function* taskEvents(
  app: AppContext,
  c: TaskCursor,
): AsyncGenerator<MessageInitShape<typeof StreamTaskResponseSchema>> {
  const { id, conversationId } = c.task;
  const ended = !app.tasks.isLive(id);
  const events = subscribe(app.events, {
    conversationId,
    afterSeq: c.afterSeq,
    signal: c.signal,
    heartbeatMs: app.config.heartbeatMs,
    skipSnapshot: !c.resume,
    endAfterLiveRuns: c.resume && ended,
    snapshot: async () => ({
      activeRuns: app.runs
        .activeRuns(conversationId)
        .map((r) => ({ runId: r.id, agentId: r.agentId, startedAt: r.startedAt })),
      pendingApprovals: (await app.approvals.pending(conversationId)).map(pendingApproval),
      messageCount: (await app.conversations.get(conversationId))?.messageCount ?? 0,
    }),
    filter: (e) => e.taskId === id || SHOWN_RUN_EVENTS.has(e.kind.case ?? "") || e.kind.case === "snapshot",
    until: (e) => e.taskId === id && isTerminal(e),
  });
  let first = true;
  for await (const event of events) {
    const withState = first || (event.taskId === id && isTerminal(event));
    first = false;
    yield withState ? { event, task: await app.tasks.get(id) } : { event };
  }
}
