// A Node script against a live Floe server: a streamed chat, printed as it
// arrives, then the conversation's history and a model list.
//
//   FLOE_URL=http://127.0.0.1:8000 [FLOE_API_KEY=...] npx tsx examples/node-chat.ts "What is in this folder?"
//
// In an application, import from the package instead: `import { createFloeNodeClient } from "floe/client";`
import { createFloeNodeClient } from "../clients/node.js";

const floe = createFloeNodeClient({
  baseUrl: process.env.FLOE_URL ?? "http://127.0.0.1:8000",
  apiKey: process.env.FLOE_API_KEY,
});

const question = process.argv[2] ?? "What is in this folder?";
const stop = new AbortController();
process.once("SIGINT", () => stop.abort(new Error("interrupted")));

const result = await floe.chat(question, {
  signal: stop.signal,
  onChunk: (chunk, kind) => process.stdout.write(kind === "assistant" ? chunk : ""),
  onEvent: async (e) => {
    if (e.type === "toolStart") console.log(`\n[tool ${e.value.name}]`);
    // A script has no one to ask: deny what needs a human.
    if (e.type === "approvalRequired") await e.deny("this script does not approve tool calls");
  },
  onResume: (afterSeq) => console.error(`\n(reconnected, resuming after seq ${afterSeq})`),
});
console.log(`\n\nstatus: ${result.status}, conversation: ${result.conversationId}`);

for (const m of await floe.getConversationHistory(result.conversationId)) console.log(`${m.role}: ${m.content}`);
const models = await floe.services.models.listModels({});
console.log(`models: ${models.models.map((m) => m.config?.id).join(", ")}`);
