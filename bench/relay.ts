import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import OpenAI from "openai";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { ALL_TOOLS, asOpenAITools } from "../src/agent/tools/tool-registry.js";
import { DEFAULT_SYSTEM_PROMPT } from "../src/domain/agent-profile.js";
import { reply } from "../test/support/fake-openai.js";
import { floeFirstToken, upstreamFirstToken } from "./first-token-client.js";
import { spawnBenchServer } from "./spawn-server.js";
import { spawnUpstream } from "./spawn-upstream.js";
import { percentile } from "./stats.js";

/** Tokens are counted as delivered text ("tok " is one token), whatever the event granularity. */
export interface RelayResult {
  tokens: number;
  rawTokensPerSec: number;
  floeTokensPerSec: number;
}

export interface TtftResult {
  concurrency: number;
  rawP50: number;
  rawP99: number;
  floeP50: number;
  floeP99: number;
  /** The same, with one minimal HTTP/1.1 client on both sides instead of the openai SDK and connect-node. */
  sameClient: { rawP50: number; rawP99: number; floeP50: number; floeP99: number };
}

/** The request Floe sends for `go` on a new conversation: the baseline reads the same one. */
const SAME_REQUEST = {
  model: "fake-model",
  messages: [
    { role: "system" as const, content: DEFAULT_SYSTEM_PROMPT },
    { role: "user" as const, content: "go" },
  ],
  tools: asOpenAITools(ALL_TOOLS),
  temperature: 0.7,
  max_tokens: 4096,
};

async function rawStream(client: OpenAI, onFirst?: () => void): Promise<number> {
  const stream = await client.chat.completions.create({
    ...SAME_REQUEST,
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = "";
  for await (const chunk of stream) {
    const t = chunk.choices[0]?.delta?.content;
    if (t) {
      if (text === "") onFirst?.();
      text += t;
    }
  }
  return text.length / 4;
}

/**
 * Relay throughput and added time to first token: the same fake upstream read
 * directly with the openai SDK (the baseline) and through Floe to a Connect
 * server-stream client.
 */
export async function measureRelay(
  tokens: number,
  concurrencies: number[],
): Promise<{ relay: RelayResult; ttft: TtftResult[] }> {
  const fake = await spawnUpstream();
  const raw = new OpenAI({ apiKey: "bench", baseURL: fake.url, maxRetries: 0 });
  const server = await spawnBenchServer({
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: "bench",
    FLOE_MODEL: "fake-model",
    FLOE_MODEL_MAX_RETRIES: "0",
  });
  const chat = createClient(
    ChatService,
    createConnectTransport({ baseUrl: server.url, httpVersion: "1.1", useBinaryFormat: true }),
  );
  const text = () => reply.text("tok ".repeat(tokens), { chunkSize: 4, usage: [1, tokens] });
  const floeStream = async (onFirst?: () => void) => {
    let text = "";
    for await (const r of chat.streamMessage({ chat: { text: "go", maxIterations: 1 } })) {
      if (r.event?.kind.case === "token") {
        if (text === "") onFirst?.();
        text += r.event.kind.value.token;
      }
    }
    return text.length / 4;
  };
  try {
    // Warm-up on both paths.
    await fake.enqueue(text(), text());
    await rawStream(raw);
    await floeStream();

    const rounds = 5;
    let rawTime = 0;
    let floeTime = 0;
    let rawTokens = 0;
    let floeTokens = 0;
    for (let i = 0; i < rounds; i++) {
      fake.enqueue(text());
      let t = performance.now();
      rawTokens += await rawStream(raw);
      rawTime += performance.now() - t;
      await fake.enqueue(text());
      t = performance.now();
      floeTokens += await floeStream();
      floeTime += performance.now() - t;
    }
    const relay = {
      tokens,
      rawTokensPerSec: rawTokens / (rawTime / 1000),
      floeTokensPerSec: floeTokens / (floeTime / 1000),
    };

    const ttft: TtftResult[] = [];
    for (const concurrency of concurrencies) {
      const short = () => reply.text("first token then a few more", { chunkSize: 6 });
      const measure = async (run: (onFirst: () => void) => Promise<number>) => {
        await fake.enqueue(...Array.from({ length: concurrency }, short));
        return Promise.all(
          Array.from({ length: concurrency }, async () => {
            const t = performance.now();
            let first = NaN;
            await run(() => (first = performance.now() - t));
            return first;
          }),
        );
      };
      const measureLean = async (run: () => Promise<number>) => {
        await fake.enqueue(...Array.from({ length: concurrency }, short));
        return Promise.all(Array.from({ length: concurrency }, run));
      };
      const rawTtft: number[] = [];
      const viaFloe: number[] = [];
      const rawLean: number[] = [];
      const floeLean: number[] = [];
      for (let i = 0; i < Math.max(2, Math.ceil(200 / concurrency)); i++) {
        rawTtft.push(...(await measure((f) => rawStream(raw, f))));
        viaFloe.push(...(await measure((f) => floeStream(f))));
        rawLean.push(...(await measureLean(() => upstreamFirstToken(fake.url, SAME_REQUEST))));
        floeLean.push(...(await measureLean(() => floeFirstToken(server.url, "go"))));
      }
      ttft.push({
        concurrency,
        rawP50: percentile(rawTtft, 50),
        rawP99: percentile(rawTtft, 99),
        floeP50: percentile(viaFloe, 50),
        floeP99: percentile(viaFloe, 99),
        sameClient: {
          rawP50: percentile(rawLean, 50),
          rawP99: percentile(rawLean, 99),
          floeP50: percentile(floeLean, 50),
          floeP99: percentile(floeLean, 99),
        },
      });
    }
    return { relay, ttft };
  } finally {
    await server.stop();
    fake.stop();
  }
}
