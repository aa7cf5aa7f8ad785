import { realpathSync } from "node:fs";
import { relative, sep } from "node:path";
import { contentHash } from "../../store/blob-repository.js";
import type { CheckpointRepository } from "../../store/checkpoint-repository.js";
import type { FileChange, FileChangeRecorder } from "../tools/file-changes.js";
import { FileIo } from "./path-state.js";

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

/** A recorded path and the conversation whose agent changed it. */
export interface JournalPath {
  conversationId: string;
  root: string;
  path: string;
}

/**
 * Records the file tools' changes per conversation: both contents go to the
 * blob store (each stored once), the hashes to the conversation's pending
 * changes, in one transaction. `io` makes a rollback's writes.
 */
export class FileJournal implements FileChangeRecorder {
  /** The rollback's file operations (a seam: tests make one fail). */
  io = new FileIo();

  constructor(
    private readonly repo: CheckpointRepository,
    private readonly now: () => string,
  ) {}

  async record(c: FileChange): Promise<void> {
    const before = c.before ? contentHash(c.before) : "";
    const after = c.after ? contentHash(c.after) : "";
    const contents = [c.before, c.after].filter((b): b is Buffer => b !== null);
    await this.recordContents(c, before, after, contents);
  }

  /** Records a change by content hashes ("" = absent), storing `contents` (the bytes they name) with it. */
  async recordContents(p: JournalPath, before: string, after: string, contents: Buffer[] = []): Promise<void> {
    const row = {
      conversation_id: p.conversationId,
      root: p.root,
      path: p.path,
      before_hash: before,
      after_hash: after,
    };
    await this.repo.recordChange({ ...row, changed_at: this.now() }, contents);
  }
}
