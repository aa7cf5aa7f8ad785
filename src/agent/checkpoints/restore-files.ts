import { symlink } from "node:fs/promises";
import type { FileIo } from "./path-state.js";
import { inspectPath } from "./path-state.js";
import type { FilePlan } from "./rollback-plan.js";

/** Makes the path hold the plan's target: a link is removed (never its target), then the file written or deleted. */
export async function restoreOne(io: FileIo, p: FilePlan): Promise<void> {
  if (p.state.kind === "symlink") await io.remove(p.path);
  if (!p.targetBytes) return io.remove(p.path);
  await io.makeParents(p.root, p.path);
  await io.write(p.path, p.targetBytes);
}

/** Puts back what the path held before the rollback touched it. */
export async function putBack(io: FileIo, p: FilePlan): Promise<void> {
  if (p.state.kind === "symlink") {
    await io.remove(p.path);
    await symlink(p.state.target, p.path);
    return;
  }
  if (!p.currentBytes) return io.remove(p.path);
  await io.makeParents(p.root, p.path);
  await io.write(p.path, p.currentBytes);
}

/** What a failed restore left: the plans it could not put back. */
export interface RestoreFailure {
  failed: FilePlan;
  error: unknown;
  /** Plans that could not be put back (they hold the checkpoint's content, or part of it). */
  stuck: FilePlan[];
}

/**
 * Restores every plan in order; when one fails, puts back those already
 * written (and the failed one, which may be half written) and reports it.
 */
export async function restoreAll(io: FileIo, plans: readonly FilePlan[]): Promise<RestoreFailure | undefined> {
  const done: FilePlan[] = [];
  for (const p of plans) {
    // Looked at again just before writing: a path that changed since the preflight is neither written nor put back.
    const now = await inspectPath(p.root, p.path);
    const error = now.kind === p.state.kind ? await restoreOne(io, p).catch((e: unknown) => e ?? "failed") : undefined;
    if (now.kind !== p.state.kind || error !== undefined) {
      const touched = now.kind === p.state.kind ? [...done, p] : done;
      const stuck: FilePlan[] = [];
      for (const q of touched.reverse()) await putBack(io, q).catch(() => stuck.push(q));
      return { failed: p, error: error ?? new Error("it changed while the rollback ran"), stuck };
    }
    done.push(p);
  }
  return undefined;
}
