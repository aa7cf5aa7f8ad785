import { contentHash } from "../../store/blob-repository.js";
import type { CheckpointRow } from "../../store/checkpoint-repository.js";
import type { CheckpointOps } from "./checkpoint-deps.js";
import { shownPath } from "./file-journal.js";
import { inspectPath, type PathState, readRegular } from "./path-state.js";

/** A file the agent touched after the checkpoint, and what restoring it takes. */
export interface FilePlan {
  conversationId: string;
  path: string;
  root: string;
  /** The path as users see it. */
  shown: string;
  /** Its content at the checkpoint: before the first change after it ("" = absent), and those bytes. */
  target: string;
  targetBytes: Buffer | null;
  /** What the agent (or a rollback) last left in it. */
  expected: string;
  /** What the path is now (seen with lstat, no link followed). */
  state: PathState;
  /** The regular file's content hash now ("" = absent; a link or a blocked path has a marker no hash equals). */
  current: string;
  /** Its bytes now, kept to put them back if a write fails. */
  currentBytes: Buffer | null;
}

/** Why a file stops a rollback; `overridable` ones `force` overrides. */
export interface Conflict {
  file: string;
  why: string;
  overridable: boolean;
}

/** Per path touched after the checkpoint: its content then, what the agent last left, and what is on disk. */
export async function planFiles(c: CheckpointOps, cp: CheckpointRow): Promise<FilePlan[]> {
  const byPath = new Map<string, FilePlan>();
  for (const f of await c.deps.repo.changesAfter(cp)) {
    const p = byPath.get(f.path);
    if (p) Object.assign(p, { expected: f.after_hash, root: f.root });
    else
      byPath.set(f.path, {
        conversationId: cp.conversation_id,
        path: f.path,
        root: f.root,
        shown: "",
        target: f.before_hash,
        targetBytes: null,
        expected: f.after_hash,
        state: { kind: "absent" },
        current: "",
        currentBytes: null,
      });
  }
  const plans = [...byPath.values()];
  for (const p of plans) await look(c, p);
  return plans;
}

async function look(c: CheckpointOps, p: FilePlan): Promise<void> {
  p.shown = shownPath(p.root, p.path);
  p.state = await inspectPath(p.root, p.path);
  if (p.target) p.targetBytes = (await c.deps.blobs.get(p.target)) ?? null;
  if (p.state.kind === "symlink") p.current = "symlink";
  else if (p.state.kind === "blocked") p.current = "blocked";
  else if (p.state.kind === "file") {
    // Read only as a regular file: a link swapped in since the lstat fails here instead of being followed.
    p.currentBytes = await readRegular(p.path).catch((e: NodeJS.ErrnoException) => {
      p.state = { kind: "blocked", why: `cannot be read (${e.code ?? e.message})` };
      return null;
    });
    p.current = p.currentBytes ? contentHash(p.currentBytes) : "blocked";
  }
}

/** What stops the plans, every file at once. */
export function conflictsOf(plans: readonly FilePlan[]): Conflict[] {
  const out: Conflict[] = [];
  for (const p of plans) {
    const file = p.shown;
    if (p.state.kind === "blocked") out.push({ file, why: p.state.why, overridable: false });
    else if (p.target && !p.targetBytes && needsWrite(p))
      out.push({
        file,
        why: `its content at the checkpoint (${p.target.slice(0, 12)}) is missing`,
        overridable: false,
      });
    else if (p.state.kind === "symlink") out.push({ file, why: "is now a symbolic link", overridable: true });
    else if (p.current !== p.expected)
      out.push({ file, why: "changed outside the agent since it last wrote it", overridable: true });
  }
  return out;
}

/** Whether restoring the plan writes anything: a link is always removed. */
export function needsWrite(p: FilePlan): boolean {
  return p.state.kind === "symlink" || p.current !== p.target;
}
