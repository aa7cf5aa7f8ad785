import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ChatService } from "../gen/floe/v1/chat_pb.ts";
import { ConversationService } from "../gen/floe/v1/conversation_pb.ts";
import { startFakeOpenAI, reply } from "../test/support/fake-openai.ts";
import { createTestEnv } from "../test/support/test-server.ts";
import { collect } from "../test/support/chat-env.ts";
const dialect = (process.argv[2] ?? "sqlite") as "sqlite" | "postgres";
const fake = await startFakeOpenAI();
const env = await createTestEnv(dialect);
const e = { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "x", FLOE_MODEL: "m", FLOE_MODEL_MAX_RETRIES: "0", FLOE_HEARTBEAT_MS: "200" };
let server = await env.start({ env: e });
const clients = () => {
  const t = createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" });
  return { chat: createClient(ChatService, t), conv: createClient(ConversationService, t) };
};
let { chat, conv } = clients();
// A: new via chat
const a = await chat.sendMessage({ chat: { text: "a" } });
// B: via CreateConversation then chat
const b = (await conv.createConversation({})).conversation!.id;
await chat.sendMessage({ chat: { text: "b", conversationId: b } });
// C: created, subscribed (prepare only), no chat
const cId = (await conv.createConversation({})).conversation!.id;
await collect(chat.subscribe({ conversationId: cId, afterSeq: 0n, endAfterLiveRuns: true }));
// D: run streaming at shutdown
const d = (await conv.createConversation({})).conversation!.id;
fake.enqueue(reply.text("z".repeat(200), { chunkSize: 1, delayMs: 20 }));
const it = chat.streamMessage({ chat: { text: "d", conversationId: d } })[Symbol.asyncIterator]();
for (let i = 0; i < 10; i++) await it.next();
// E: deleted while reserved
const eId = (await chat.sendMessage({ chat: { text: "e" } })).conversationId;
await conv.deleteConversation({ conversationId: eId });
await server.close();
it.return?.();
for (let round = 0; round < 2; round++) {
  server = await env.start({ env: e });
  ({ chat, conv } = clients());
  for (const [name, id] of [["A new-via-chat", a.conversationId], ["B create-then-chat", b], ["C subscribe-only", cId], ["D streaming-at-shutdown", d]] as const) {
    const evs = await collect(chat.subscribe({ conversationId: id, afterSeq: 0n, endAfterLiveRuns: true }));
    const stored = evs.filter(x => x.seq > 0n);
    const gaps = stored.filter(x => x.kind.case === "gap").map(x => `gap(${x.kind.value.requestedAfterSeq}->${x.kind.value.oldestAvailableSeq})@${x.seq}`);
    const seqs = stored.map(x => Number(x.seq));
    const holes = seqs.filter((v, i) => i > 0 && v !== seqs[i - 1] + 1).map((v, i) => v);
    console.log(`round ${round}`, name.padEnd(24), "events", stored.length, "max", Math.max(0, ...seqs), "gaps", gaps, "discontinuities at", holes);
    await chat.sendMessage({ chat: { text: "again", conversationId: id } });
  }
  await server.close();
}
await env.cleanup(); await fake.close();
