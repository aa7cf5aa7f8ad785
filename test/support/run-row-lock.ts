import pg from "pg";
import { type Reply, reply } from "./fake-openai.js";

/**
 * Holds a run's row (SELECT ... FOR UPDATE in an open transaction), so the
 * run cannot record its result: its terminal event goes out, its row stays
 * open until `release()`.
 */
export async function lockRunRow(databaseUrl: string, runId: string): Promise<{ release(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query("begin");
  await admin.query("select id from runs where id = $1 for update", [runId]);
  return {
    async release() {
      await admin.query("commit").finally(() => admin.end());
    },
  };
}

/** A text reply held back until `go()`: the run is started, and waits for the test. */
export function heldReply(text: string): { reply: Reply; go(): void } {
  let go!: () => void;
  const held = reply.text(text);
  held.steps.unshift({ until: new Promise<void>((r) => (go = r)) });
  return { reply: held, go };
}
