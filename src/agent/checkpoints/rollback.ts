import { Code, ConnectError } from "@connectrpc/connect";
import type { CheckpointRow } from "../../store/checkpoint-repository.js";
import type { CheckpointOps } from "./checkpoint-deps.js";
import { diskHash, shownPath } from "./file-journal.js";

export type RollbackResult =
  | { conflicts: string[] }
  | { conflicts?: undefined; safety: CheckpointRow; changedFiles: string[]; messageCount: number };

/** A file the agent touched after the checkpoint. */
interface FilePlan {
  path: string;
  root: string;
  /** Its content at the checkpoint: before the first change after it ("" = absent). */
  target: string;
  /** What the agent (or a rollback) last left in it. */
  expected: string;
  /** What it holds now. */
  current: string;
}

/**
 * Rolls a conversation back to a checkpoint. Refused while a run is live in
 * it (FailedPrecondition: cancel it first) and, unless `force`, when a file
 * to restore was changed outside the agent since it last wrote it (the
 * conflicts are returned). Otherwise: a safety checkpoint (type `rollback`)
 * of the current state first, then every file the agent touched after the
 * checkpoint is restored (each restore recorded as a change, so the safety
 * checkpoint can undo it), then the history, then a `checkpoint_restored`
 * event. Files the agent never touched are never written.
 */
export async function rollback(c: CheckpointOps, cp: CheckpointRow, force: boolean): Promise<RollbackResult> {
  const { deps, journal } = c;
  const conv = cp.conversation_id;
  refuseWhileRunning(c, conv);
  const history = await c.historyOf(cp);
  const plans = await planFiles(c, cp);
  const conflicts = plans.filter((p) => p.current !== p.expected);
  if (conflicts.length > 0 && !force) return { conflicts: conflicts.map((p) => shownPath(p.root, p.path)) };
  for (const p of conflicts) {
    // Forced: the outside change becomes part of the state the safety checkpoint keeps.
    p.current = await journal.adopt(p.path);
    await journal.recordHashes(conv, p.root, p.path, p.expected, p.current);
  }
  const safety = await c.create(conv, "rollback", `Before rollback to ${cp.id}`, `Safety checkpoint: ${cp.name}`);
  const changedFiles: string[] = [];
  for (const p of plans) {
    if (p.current === p.target) continue;
    await journal.writeBack(p.root, p.path, p.target).catch((e: unknown) => {
      const why = e instanceof Error ? e.message : String(e);
      throw new ConnectError(
        `could not restore ${shownPath(p.root, p.path)}: ${why}; checkpoint ${safety.id} holds the state before this rollback`,
        Code.FailedPrecondition,
      );
    });
    await journal.recordHashes(conv, p.root, p.path, p.current, p.target);
    changedFiles.push(shownPath(p.root, p.path));
  }
  const messageCount = await deps.archive.restore(conv, history, c.now());
  await deps.events.prepare(conv);
  deps.events.append(conv, "", "", {
    case: "checkpointRestored",
    value: { checkpointId: cp.id, safetyCheckpointId: safety.id, messageCount, changedFiles },
  });
  await deps.events.flush();
  return { safety, changedFiles: changedFiles.sort(), messageCount };
}

function refuseWhileRunning(c: CheckpointOps, conversationId: string): void {
  const live = c.deps.runs.activeRuns(conversationId);
  if (live.length > 0)
    throw new ConnectError(
      `conversation ${conversationId} has a live run (${live[0]!.id}): cancel it with CancelRun, or wait for it to end, then roll back`,
      Code.FailedPrecondition,
    );
}

/** Per path touched after the checkpoint: its content then, what the agent last left, and what is on disk. */
async function planFiles(c: CheckpointOps, cp: CheckpointRow): Promise<FilePlan[]> {
  const byPath = new Map<string, FilePlan>();
  for (const f of await c.deps.repo.changesAfter(cp)) {
    const p = byPath.get(f.path);
    if (p) Object.assign(p, { expected: f.after_hash, root: f.root });
    else byPath.set(f.path, { path: f.path, root: f.root, target: f.before_hash, expected: f.after_hash, current: "" });
  }
  const plans = [...byPath.values()];
  for (const p of plans) p.current = await diskHash(p.path);
  return plans;
}
