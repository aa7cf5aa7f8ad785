import type { FloeServer } from "../../src/server/start-server.js";

/**
 * Holds the checkpoint journal's file writes on `server`: `atWrite` resolves
 * when the first one is waiting, and `release` lets them all through.
 */
export function holdJournalWrites(server: FloeServer): { atWrite: Promise<void>; release: () => void } {
  const io = server.app.checkpoints.journal.io;
  const realWrite = io.write.bind(io);
  let reached!: () => void;
  const atWrite = new Promise<void>((r) => (reached = r));
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  io.write = async (path, bytes) => {
    reached();
    await gate;
    return realWrite(path, bytes);
  };
  return { atWrite, release };
}
