import { readFileSync } from "node:fs";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import OpenAI from "openai";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { reply } from "../test/support/fake-openai.js";
import { spawnBenchServer } from "./spawn-server.js";
import { spawnUpstream } from "./spawn-upstream.js";
import { percentile } from "./stats.js";

export interface SoakPhase {
  chats: number;
  errors: number;
  p50: number;
  p99: number;
}

export interface SoakResult {
  streams: number;
  seconds: number;
  direct: SoakPhase;
  floe: SoakPhase;
  /** Server resident memory, MiB: idle before, the peak while loaded, idle after. */
  memory: { before: number; peak: number; after: number };
}

/** Resident memory of a process, in MiB. */
function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The soak's answer: 60 tokens (240 characters) streamed in 20 chunks. */
export const soakAnswer = () => reply.text("tok ".repeat(60), { chunkSize: 12, delayMs: 2 });

/** One soak chat through Floe, streamed; throws unless it completes with the whole answer. */
export async function soakChat(chat: Client<typeof ChatService>): Promise<void> {
  let text = "";
  let status = "";
  for await (const r of chat.streamMessage({ chat: { text: "go", maxIterations: 1 } })) {
    const k = r.event?.kind;
    if (k?.case === "token") text += k.value.token;
    if (k?.case === "complete") status = k.value.status;
    if (k?.case === "error" || k?.case === "cancelled") throw new Error(k.case);
  }
  if (status !== "completed" || text.length !== 240) throw new Error(`run ended ${status} with ${text.length} chars`);
}

/** Runs `streams` loops of `once` for `seconds`; each chat's time, and the failures. */
export async function phase(streams: number, seconds: number, once: () => Promise<void>): Promise<SoakPhase> {
  const end = performance.now() + seconds * 1000;
  const times: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: streams }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          await once();
          times.push(performance.now() - t);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { chats: times.length, errors, p50: percentile(times, 50), p99: percentile(times, 99) };
}

/**
 * Soak: `streams` concurrent streamed chats, back to back, for `seconds`,
 * through Floe (new conversation each, a 60-token answer streamed in 20
 * chunks) against the same chats read from the fake upstream directly with
 * the openai SDK (the baseline). Reports errors (the target is 0), chat
 * latency and the server's memory before, at its peak, and after.
 */
export async function measureSoak(streams: number, seconds: number): Promise<SoakResult> {
  const fake = await spawnUpstream();
  const server = await spawnBenchServer({
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: "bench",
    FLOE_MODEL: "fake-model",
    FLOE_MODEL_MAX_RETRIES: "0",
  });
  const raw = new OpenAI({ apiKey: "bench", baseURL: fake.url, maxRetries: 0 });
  const chat = createClient(ChatService, createConnectTransport({ baseUrl: server.url, httpVersion: "2" }));
  try {
    const direct = await phase(streams, seconds, async () => {
      await fake.enqueue(soakAnswer());
      const s = await raw.chat.completions.create({
        model: "fake-model",
        messages: [{ role: "user", content: "go" }],
        stream: true,
      });
      let text = "";
      for await (const c of s) text += c.choices[0]?.delta?.content ?? "";
      if (text.length !== 240) throw new Error(`short answer: ${text.length}`);
    });
    await new Promise((r) => setTimeout(r, 1000));
    const before = rssMiB(server.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(server.pid))), 250);
    const floe = await phase(streams, seconds, async () => {
      await fake.enqueue(soakAnswer());
      await soakChat(chat);
    });
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, 3000));
    return { streams, seconds, direct, floe, memory: { before, peak, after: rssMiB(server.pid) } };
  } finally {
    await server.stop();
    fake.stop();
  }
}
