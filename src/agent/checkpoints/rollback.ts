import { Code, ConnectError } from "@connectrpc/connect";
import type { CheckpointRow } from "../../store/checkpoint-repository.js";
import type { CheckpointOps } from "./checkpoint-deps.js";
import { restoreAll, type RestoreFailure } from "./restore-files.js";
import { type Conflict, conflictsOf, type FilePlan, needsWrite, planFiles } from "./rollback-plan.js";

export type RollbackResult =
  | { conflicts: Conflict[] }
  | { conflicts?: undefined; safety: CheckpointRow; changedFiles: string[]; messageCount: number };

/**
 * Rolls a conversation back to a checkpoint (the caller holds the
 * conversation: no run is live in it). A preflight looks at every file the
 * agent touched after the checkpoint, with lstat and no link followed; what
 * would stop a restore is answered as conflicts, every file at once, with
 * nothing changed: a path reached through a link, a directory, a missing
 * snapshot always; an outside edit or a link in the file's place unless
 * `force`. Then a safety checkpoint (type `rollback`) of the current state,
 * the writes (a failed one puts back what was written and answers an error,
 * the history untouched), the history, and a `checkpoint_restored` event.
 * Files the agent never touched are never written, and nothing outside the
 * root is ever read.
 */
export async function rollback(c: CheckpointOps, cp: CheckpointRow, force: boolean): Promise<RollbackResult> {
  const { deps, journal } = c;
  const conv = cp.conversation_id;
  const history = await c.historyOf(cp);
  const plans = await planFiles(c, cp);
  const conflicts = conflictsOf(plans);
  if (conflicts.some((k) => !k.overridable) || (conflicts.length > 0 && !force)) return { conflicts };
  for (const p of plans) {
    if (p.current === p.expected) continue;
    // Forced: the outside change becomes part of the state the safety checkpoint keeps; a link's content is never read.
    const now = p.state.kind === "file" ? p.current : "";
    await journal.recordContents(p, p.expected, now, p.currentBytes ? [p.currentBytes] : []);
    if (p.state.kind === "file") p.expected = p.current;
  }
  const safety = await c.create(conv, "rollback", `Before rollback to ${cp.id}`, `Safety checkpoint: ${cp.name}`);
  const writes = plans.filter(needsWrite);
  const failure = await restoreAll(journal.io, writes);
  if (failure) throw await failed(c, safety, failure);
  for (const p of writes) await journal.recordContents(p, recordedNow(p), p.target);
  const messageCount = await deps.archive.restore(conv, history, c.now());
  await deps.events.prepare(conv);
  const changedFiles = writes.map((p) => p.shown).sort();
  deps.events.append(conv, "", "", {
    case: "checkpointRestored",
    value: { checkpointId: cp.id, safetyCheckpointId: safety.id, messageCount, changedFiles },
  });
  await deps.events.flush();
  return { safety, changedFiles, messageCount };
}

/**
 * A write failed midway: when everything was put back, the safety checkpoint
 * goes too (nothing changed); otherwise the files left restored are recorded
 * and the safety checkpoint holds the state before the rollback.
 */
async function failed(c: CheckpointOps, safety: CheckpointRow, f: RestoreFailure): Promise<ConnectError> {
  const why = f.error instanceof Error ? f.error.message : String(f.error);
  const head = `could not restore ${f.failed.shown}: ${why}`;
  if (f.stuck.length === 0) {
    await c.deps.repo.delete(safety);
    return new ConnectError(
      `${head}; the rollback was undone: no file and no message changed`,
      Code.FailedPrecondition,
    );
  }
  for (const p of f.stuck) await c.journal.recordContents(p, recordedNow(p), p.target);
  return new ConnectError(
    `${head}; ${f.stuck.map((p) => p.shown).join(", ")} could not be put back; the history is unchanged and ` +
      `checkpoint ${safety.id} holds the state before this rollback`,
    Code.FailedPrecondition,
  );
}

function recordedNow(p: FilePlan): string {
  return p.state.kind === "file" ? p.current : "";
}
