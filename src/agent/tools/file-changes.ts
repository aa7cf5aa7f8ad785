import { readFile } from "node:fs/promises";

/** One change an agent's file tool made: the file's bytes before and after (null: the file did not exist). */
export interface FileChange {
  conversationId: string;
  /** The active root the path was confined to. */
  root: string;
  /** Absolute real path. */
  path: string;
  before: Buffer | null;
  after: Buffer | null;
}

/**
 * Hears of every file the file tools write, edit or delete, so that
 * checkpoints can restore them. Shell commands are not seen: what they
 * change is not restored.
 */
export interface FileChangeRecorder {
  record(change: FileChange): Promise<void>;
}

/** A file's bytes, or null when it does not exist. */
export async function snapshotOf(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}
