import { afterEach, describe, expect, it } from "vitest";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { heldReply, lockRunRow } from "./support/run-row-lock.js";

/** ChatService.GetRun reads the runs table, which records a run's result just after its terminal event. */
describe("GetRun", () => {
  let c: ChatEnv | undefined;
  afterEach(async () => {
    await c?.cleanup();
    c = undefined;
  });

  it("asked right after the terminal event, answers with the result rather than 'running'", async () => {
    c = await createChatEnv({ dialect: "postgres" });
    const answer = heldReply("the answer");
    c.fake.enqueue(answer.reply);
    const it = c.chat.streamMessage({ chat: { text: "a question" } })[Symbol.asyncIterator]();
    const { runId } = (await it.next()).value!.event!;
    // The run's row is held: the result is recorded only once it lets go, well after the terminal event.
    const row = await lockRunRow(c.env.databaseUrl, runId);
    answer.go();
    let last = "";
    for (let r = await it.next(); !r.done; r = await it.next()) last = r.value.event?.kind.case ?? last;
    expect(last).toBe("complete");
    const asked = c.chat.getRun({ runId });
    await new Promise((r) => setTimeout(r, 300));
    expect((await c.server.app.runRecords.byId(runId))!.status).toBe("running");
    await row.release();
    expect(await asked).toMatchObject({ status: "completed", result: { response: "the answer" } });
  });
});
