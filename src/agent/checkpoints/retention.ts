import type { CheckpointRow } from "../../store/checkpoint-repository.js";
import type { CheckpointDeps } from "./checkpoint-deps.js";

export interface CleanupResult {
  /** Checkpoints removed. */
  cleaned: number;
  /** File snapshots no checkpoint needed any more. */
  blobs: number;
  /** Archived messages no checkpoint's history reached any more. */
  messages: number;
}

const HOUR_MS = 3_600_000;

/**
 * The retention policy at `nowMs`: automatic checkpoints older than
 * `retention_hours` and any checkpoint older than `max_age_days` are
 * removed, as are those of deleted conversations. A removed checkpoint's
 * file changes merge into the next one, so older checkpoints still restore
 * correctly. Then blobs and archived messages nothing refers to are deleted.
 */
export async function cleanup(d: CheckpointDeps, nowMs: number): Promise<CleanupResult> {
  const { repo, settings } = d;
  const autoCutoff = new Date(nowMs - settings.retentionHours * HOUR_MS).toISOString();
  const anyCutoff = new Date(nowMs - settings.maxAgeDays * 24 * HOUR_MS).toISOString();
  const doomed = new Map<string, CheckpointRow>();
  for (const cp of [
    ...(await repo.olderThan(autoCutoff, "auto")),
    ...(await repo.olderThan(anyCutoff)),
    ...(await repo.orphans()),
  ])
    doomed.set(cp.id, cp);
  // Oldest first within a conversation: each merge then lands on a checkpoint that stays, or on the next to go.
  const ordered = [...doomed.values()].sort((a, b) => a.ordinal - b.ordinal);
  for (const cp of ordered) await repo.delete(cp);
  await repo.dropOrphanFiles();
  const blobs = await d.blobs.collectGarbage();
  const messages = await d.archive.collectGarbage();
  return { cleaned: ordered.length, blobs, messages };
}
