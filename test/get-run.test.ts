import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";

/** ChatService.GetRun reads the runs table, which records a run's result just after its terminal event. */
describe("GetRun", () => {
  let c: ChatEnv | undefined;
  afterEach(async () => {
    await c?.cleanup();
    c = undefined;
  });

  it("asked right after the terminal event, answers with the result rather than 'running'", async () => {
    c = await createChatEnv({ dialect: "postgres" });
    // The answer waits until the row is locked.
    let locked!: () => void;
    const answer = reply.text("the answer");
    answer.steps.unshift({ until: new Promise<void>((r) => (locked = r)) });
    c.fake.enqueue(answer);
    const it = c.chat.streamMessage({ chat: { text: "a question" } })[Symbol.asyncIterator]();
    const { runId } = (await it.next()).value!.event!;
    // Holds the run's row: the result is recorded only once this lets go, well after the terminal event.
    const admin = new pg.Client({ connectionString: c.env.databaseUrl });
    await admin.connect();
    try {
      await admin.query("begin");
      await admin.query("select id from runs where id = $1 for update", [runId]);
      locked();
      let last = "";
      for (let r = await it.next(); !r.done; r = await it.next()) last = r.value.event?.kind.case ?? last;
      expect(last).toBe("complete");
      const asked = c.chat.getRun({ runId });
      await new Promise((r) => setTimeout(r, 300));
      const row = await admin.query("select status from runs where id = $1", [runId]);
      expect(row.rows[0].status).toBe("running");
      await admin.query("commit");
      expect(await asked).toMatchObject({ status: "completed", result: { response: "the answer" } });
    } finally {
      await admin.end();
    }
  });
});
