import { realpathSync } from "node:fs";
import { mkdir, unlink, writeFile } from "node:fs/promises";
import { dirname, relative, sep } from "node:path";
import type { BlobRepository } from "../../store/blob-repository.js";
import { contentHash } from "../../store/blob-repository.js";
import type { CheckpointRepository } from "../../store/checkpoint-repository.js";
import { confinePath } from "../tools/confine-path.js";
import { type FileChange, type FileChangeRecorder, snapshotOf } from "../tools/file-changes.js";

/** The content hash of a file on disk; "" when it does not exist, a marker no hash equals when it cannot be read. */
export async function diskHash(path: string): Promise<string> {
  try {
    const bytes = await snapshotOf(path);
    return bytes ? contentHash(bytes) : "";
  } catch {
    return "unreadable";
  }
}

/** A path as users see it: relative to its root. */
export function shownPath(root: string, path: string): string {
  let real = root;
  try {
    real = realpathSync(root);
  } catch {
    // The root is gone: show the path against it as recorded.
  }
  const rel = relative(real, path);
  return rel.startsWith("..") ? path : rel.split(sep).join("/");
}

/**
 * Records the file tools' changes per conversation: both contents go to the
 * blob store (each stored once), the hashes to the conversation's pending
 * changes. Writes files back for rollbacks, confined to their root again.
 */
export class FileJournal implements FileChangeRecorder {
  constructor(
    private readonly repo: CheckpointRepository,
    private readonly blobs: BlobRepository,
    private readonly now: () => string,
  ) {}

  async record(c: FileChange): Promise<void> {
    const at = this.now();
    const before = c.before ? await this.blobs.put(c.before, at) : "";
    const after = c.after ? await this.blobs.put(c.after, at) : "";
    await this.recordHashes(c.conversationId, c.root, c.path, before, after);
  }

  /** Records a change by content hashes ("" = absent). */
  async recordHashes(conversationId: string, root: string, path: string, before: string, after: string) {
    const row = { conversation_id: conversationId, root, path, before_hash: before, after_hash: after };
    await this.repo.recordChange({ ...row, changed_at: this.now() });
  }

  /** Stores the file's current content (a change made outside the agent); returns its hash, "" when absent. */
  async adopt(path: string): Promise<string> {
    const bytes = await snapshotOf(path);
    return bytes ? this.blobs.put(bytes, this.now()) : "";
  }

  /** Makes the file hold the blob `hash` ("" deletes it). Throws when the blob is gone or the path left the root. */
  async writeBack(root: string, path: string, hash: string): Promise<void> {
    const confined = confinePath(root, path);
    if (!hash) {
      await unlink(confined).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== "ENOENT") throw e;
      });
      return;
    }
    const bytes = await this.blobs.get(hash);
    if (!bytes) throw new Error(`the snapshot of ${path} (${hash.slice(0, 12)}) is missing`);
    await mkdir(dirname(confined), { recursive: true });
    await writeFile(confined, bytes);
  }
}
