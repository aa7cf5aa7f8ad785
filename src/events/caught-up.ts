import type { Event } from "../../gen/floe/v1/events_pb.js";

/** The events that end a run: exactly one per run. */
export const TERMINAL_KINDS = ["complete", "error", "cancelled"] as const;
const TERMINAL = new Set<string>(TERMINAL_KINDS);

/** True for the events that end a run: complete, error and cancelled. */
export function isTerminal(e: Event): boolean {
  return TERMINAL.has(e.kind.case ?? "");
}

/**
 * When a subscription with `end_after_live_runs` is done. The snapshot names
 * the latest seq and the active runs; the stream ends once it has caught up
 * to that seq and every run active at the snapshot has reached its terminal
 * event. Called on every event in order, the snapshot first; returns true
 * for the event after which to stop (the snapshot itself when there is
 * nothing to wait for).
 */
export function caughtUp(afterSeq: bigint): (e: Event) => boolean {
  let latest = -1n;
  const waiting = new Set<string>();
  return (e) => {
    if (e.kind.case === "snapshot") {
      latest = e.kind.value.latestSeq;
      for (const r of e.kind.value.activeRuns) waiting.add(r.runId);
      return latest <= afterSeq && waiting.size === 0;
    }
    if (isTerminal(e)) waiting.delete(e.runId);
    return e.seq >= latest && waiting.size === 0 && e.seq > 0n;
  };
}
