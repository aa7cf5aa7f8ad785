import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ChatService } from "../gen/floe/v1/chat_pb.ts";
import { ConversationService } from "../gen/floe/v1/conversation_pb.ts";
import { startFakeOpenAI, reply } from "../test/support/fake-openai.ts";
import { floe, listening, exited } from "../test/support/floe-process.ts";
import { collect } from "../test/support/chat-env.ts";
const fake = await startFakeOpenAI();
const ws = mkdtempSync(join(tmpdir(), "probe-crash-"));
const extra = process.argv[2] ? { FLOE_DATABASE_URL: process.argv[2] } : {};
let child: any;
async function start() {
  child = floe(["serve", "--workspace", ws, "--port", "0"], { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "k", FLOE_MODEL: "m", FLOE_MODEL_MAX_RETRIES: "0", FLOE_PROJECT_ROOT: ws, ...extra });
  const url = await listening(child);
  const t = createConnectTransport({ baseUrl: url, httpVersion: "1.1" });
  return { chat: createClient(ChatService, t), conv: createClient(ConversationService, t) };
}
let { chat, conv } = await start();
const id = (await conv.createConversation({})).conversation!.id;
fake.enqueue(reply.text("first answer", { delayMs: 100 }), reply.stall(["sec"], 60000));
const s1 = collect(chat.streamMessage({ chat: { text: "M1", conversationId: id } })).catch(() => []);
await new Promise(r => setTimeout(r, 150));
const s2 = collect(chat.streamMessage({ chat: { text: "M2 queued", conversationId: id } })).catch(() => []);
// wait for the second upstream request (M2 running)
while (fake.requests.length < 2) await new Promise(r => setTimeout(r, 50));
await new Promise(r => setTimeout(r, 300));
child.kill("SIGKILL"); await exited(child);
({ chat, conv } = await start());
const got = await conv.getConversation({ conversationId: id });
console.log("messages after crash+restart:", got.messages.map(m => `${m.role}:${m.content}`));
child.kill("SIGTERM"); await exited(child);
await fake.close();
