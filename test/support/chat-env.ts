import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ChatService } from "../../gen/floe/v1/chat_pb.js";
import type { Event } from "../../gen/floe/v1/events_pb.js";
import type { FloeServer, StartOptions } from "../../src/server/start-server.js";
import { type FakeOpenAI, startFakeOpenAI } from "./fake-openai.js";
import { createTestEnv, type DialectUnderTest, type TestEnv } from "./test-server.js";

export interface ChatEnv {
  env: TestEnv;
  fake: FakeOpenAI;
  server: FloeServer;
  chat: Client<typeof ChatService>;
  cleanup(): Promise<void>;
}

/** A Floe server whose model is the fake upstream, with a generated Connect client. */
export async function createChatEnv(
  opts: { dialect?: DialectUnderTest; env?: Record<string, string>; start?: StartOptions } = {},
): Promise<ChatEnv> {
  const fake = await startFakeOpenAI();
  const env = await createTestEnv(opts.dialect ?? "sqlite");
  const server = await env.start({
    ...opts.start,
    env: { ...fakeModelEnv(fake), ...opts.env },
  });
  const chat = createClient(ChatService, createConnectTransport({ baseUrl: server.url, httpVersion: "2" }));
  return {
    env,
    fake,
    server,
    chat,
    async cleanup() {
      await env.cleanup();
      await fake.close();
    },
  };
}

/** Collects a stream's events (ignoring heartbeats unless asked). */
export async function collect(stream: AsyncIterable<{ event?: Event }>, keepHeartbeats = false): Promise<Event[]> {
  const out: Event[] = [];
  for await (const r of stream) {
    if (!r.event) continue;
    if (!keepHeartbeats && r.event.kind.case === "heartbeat") continue;
    out.push(r.event);
  }
  return out;
}

export const kinds = (events: Event[]) => events.map((e) => e.kind.case);

/** The environment that points a server at the fake model, with no retries and quick heartbeats. */
export function fakeModelEnv(fake: { url: string }): Record<string, string> {
  return {
    OPENAI_BASE_URL: fake.url,
    OPENAI_API_KEY: "test-key",
    FLOE_MODEL: "fake-model",
    FLOE_MODEL_MAX_RETRIES: "0",
    FLOE_HEARTBEAT_MS: "200",
  };
}
