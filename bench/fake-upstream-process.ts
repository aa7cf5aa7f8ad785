import { type Reply, startFakeOpenAI } from "../test/support/fake-openai.js";

/**
 * The fake OpenAI-compatible upstream in its own process, as a real upstream
 * would be: the bench client, Floe and the upstream then each have their own
 * event loop. Replies are queued over IPC.
 */
const fake = await startFakeOpenAI();
process.send!({ url: fake.url });
process.on("message", (m: { id: number; enqueue: Reply[] }) => {
  fake.enqueue(...m.enqueue);
  process.send!({ ack: m.id });
});
process.on("disconnect", () => void fake.close().then(() => process.exit(0)));
