import { afterEach, describe, expect, it } from "vitest";
import { remoteResult } from "../src/services/remote-run.js";
import type { RunRepository } from "../src/store/run-repository.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";

/**
 * A run another instance executes is followed through a handle whose `done`
 * never rejects, as a local run's does not: nobody may be awaiting it when
 * the database goes away (a shutdown), and a rejection then would be unhandled.
 */
describe("remoteResult", () => {
  let c: ChatEnv | undefined;
  afterEach(async () => {
    await c?.cleanup();
    c = undefined;
  });

  it("answers a failed read of the run's result as an error result instead of rejecting", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("done"));
    const { runId, conversationId } = await c.chat.sendMessage({ chat: { text: "hi" } });
    const gone = { byId: () => Promise.reject(new Error("driver has already been destroyed")) };
    const result = await remoteResult(c.server.app.events, gone as unknown as RunRepository, conversationId, runId);
    expect(result).toMatchObject({ runId, conversationId, status: "error" });
    expect(result.error?.message).toContain("driver has already been destroyed");
  });
});
