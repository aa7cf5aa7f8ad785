import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach } from "vitest";
import { ChatService } from "../../gen/floe/v1/chat_pb.js";
import type { FloeServer, StartOptions } from "../../src/server/start-server.js";
import { fakeModelEnv } from "./chat-env.js";
import { type FakeOpenAI, startFakeOpenAI } from "./fake-openai.js";
import { createTestEnv, type TestEnv } from "./test-server.js";

/** The terminal event cases. */
export const TERMINAL = ["complete", "error", "cancelled"];

export type Chat = Client<typeof ChatService>;

/**
 * A test file's cluster: `use()` starts one for the current test, and it is
 * cleaned up after each test.
 */
export function clusterPerTest(): { use: (n?: number, extra?: StartOptions) => Promise<ClusterEnv> } {
  let current: ClusterEnv | undefined;
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return { use: async (n = 2, extra = {}) => (current = await createClusterEnv(n, extra)) };
}

export interface ClusterEnv {
  env: TestEnv;
  fake: FakeOpenAI;
  servers: FloeServer[];
  /** A Connect chat client per server, in the same order. */
  chats: Client<typeof ChatService>[];
  cleanup(): Promise<void>;
}

/** `n` Floe instances on one throwaway Postgres database, all answering with the same fake upstream. */
export async function createClusterEnv(n = 2, extra: StartOptions = {}): Promise<ClusterEnv> {
  const fake = await startFakeOpenAI();
  const env = await createTestEnv("postgres");
  const servers: FloeServer[] = [];
  for (let i = 0; i < n; i++) {
    servers.push(
      await env.start({
        ...extra,
        env: {
          ...fakeModelEnv(fake),
          // Cleanup closes servers with live runs: no drain grace unless a test asks for one.
          FLOE_DRAIN_GRACE_MS: "0",
          ...extra.env,
        },
      }),
    );
  }
  const chats = servers.map((s) =>
    createClient(ChatService, createConnectTransport({ baseUrl: s.url, httpVersion: "2" })),
  );
  return {
    env,
    fake,
    servers,
    chats,
    async cleanup() {
      await env.cleanup();
      await fake.close();
    },
  };
}
