import type { Event } from "../../gen/floe/v1/events_pb.js";

const TERMINAL = new Set(["complete", "error", "cancelled"]);

/**
 * When a resumed stream is done: the subscription's snapshot names the latest
 * seq and the active runs; the stream ends once it has caught up to that seq
 * and every run active at the snapshot has reached its terminal event.
 * Returns true for the event after which to stop (true at once when there is
 * nothing to wait for).
 */
export function resumeEnd(afterSeq: bigint): (e: Event) => boolean {
  let latest = -1n;
  const waiting = new Set<string>();
  return (e) => {
    if (e.kind.case === "snapshot") {
      latest = e.kind.value.latestSeq;
      for (const r of e.kind.value.activeRuns) waiting.add(r.runId);
      return latest <= afterSeq && waiting.size === 0;
    }
    if (TERMINAL.has(e.kind.case ?? "")) waiting.delete(e.runId);
    return e.seq >= latest && waiting.size === 0 && e.seq > 0n;
  };
}
