import { create, fromJsonString } from "@bufbuild/protobuf";
import { type SendMessageResponse, SendMessageResponseSchema } from "../../gen/floe/v1/chat_pb.js";
import type { RunHandle } from "../agent/run.js";
import { failed } from "../agent/run-result.js";
import type { RunPlan } from "../agent/run-plan.js";
import type { EventLog } from "../events/event-log.js";
import type { RunRepository } from "../store/run-repository.js";

const TERMINAL = new Set(["complete", "error", "cancelled"]);

/**
 * Watches a run executing on another instance, through the relay: resolves
 * once the listener is in place (so an end from now on is seen), with
 * `ended`, the case of its terminal event, stored or live.
 */
export async function watchRemoteRun(
  events: EventLog,
  conversationId: string,
  runId: string,
): Promise<{ ended: Promise<string> }> {
  await events.prepareToRead(conversationId);
  const ended = new Promise<string>((resolve) => {
    const off = events.listen(conversationId, (e) => {
      if (e.runId !== runId || !TERMINAL.has(e.kind.case ?? "")) return;
      off();
      resolve(e.kind.case!);
    });
    void storedEnd(events, conversationId, runId).then((t) => {
      if (!t) return;
      off();
      resolve(t);
    });
  });
  return { ended };
}

/** The case of a run's stored terminal event; a failed read is tried again, and after three, left to the live event. */
async function storedEnd(events: EventLog, conversationId: string, runId: string): Promise<string | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return (await events.storedTerminal(conversationId, runId))?.kind.case;
    } catch {
      await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
    }
  }
  return undefined;
}

/** A handle on a run that another instance executes: `done` resolves with its stored result once it ends. */
export function remoteRunHandle(events: EventLog, runs: RunRepository, plan: RunPlan): RunHandle {
  const { runId: id, conversationId } = plan;
  const done = remoteResult(events, runs, conversationId, id);
  return {
    id,
    conversationId,
    agentId: plan.profile.id,
    startedAt: plan.startedAt,
    replayed: false,
    afterSeq: plan.afterSeq,
    done,
  };
}

/** The result of a run another instance executes, once it has ended. */
export async function remoteResult(
  events: EventLog,
  runs: RunRepository,
  conversationId: string,
  runId: string,
): Promise<SendMessageResponse> {
  try {
    await (
      await watchRemoteRun(events, conversationId, runId)
    ).ended;
    return await storedResult(runs, runId, conversationId);
  } catch (e) {
    // Never rejects, as a local run's `done` never does: a failure to read it (a shutdown) is its result here.
    return failed({ id: runId, conversationId }, e).result;
  }
}

/** The result its executor stored with the run's row, just after its terminal event. */
async function storedResult(runs: RunRepository, runId: string, conversationId: string): Promise<SendMessageResponse> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const row = await runs.byId(runId);
    if (row?.result) return fromJsonString(SendMessageResponseSchema, row.result);
    await new Promise((r) => setTimeout(r, 20));
  }
  const row = await runs.byId(runId);
  return create(SendMessageResponseSchema, { runId, conversationId, status: row?.status ?? "error" });
}
