import { readFileSync } from "node:fs";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { createThrowawayDatabase } from "../test/support/postgres.js";
import { phase, type SoakPhase, soakAnswer, soakChat } from "./soak.js";
import { type BenchServer, spawnBenchServer } from "./spawn-server.js";
import { spawnUpstream } from "./spawn-upstream.js";

export interface InstancesThroughput extends SoakPhase {
  instances: number;
  chatsPerSecond: number;
  /** CPU seconds the instances used together during the phase, per chat (ms). */
  cpuMsPerChat: number;
}

/** User plus system CPU time of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The soak load (`streams` concurrent streamed chats, back to back, each a
 * new conversation with a 60-token answer) spread round-robin over 1, 2 and
 * 3 instances on one throwaway Postgres database, each instance its own
 * process. Reports chats per second and errors per instance count.
 */
export async function measureClusterThroughput(
  streams: number,
  seconds: number,
  counts: readonly number[] = [1, 2, 3],
): Promise<InstancesThroughput[]> {
  const upstream = await spawnUpstream();
  const out: InstancesThroughput[] = [];
  try {
    for (const n of counts) {
      const db = await createThrowawayDatabase();
      const env = {
        FLOE_DATABASE_URL: db.url,
        OPENAI_BASE_URL: upstream.url,
        OPENAI_API_KEY: "bench",
        FLOE_MODEL: "fake-model",
        FLOE_MODEL_MAX_RETRIES: "0",
      };
      const servers: BenchServer[] = [];
      try {
        for (let i = 0; i < n; i++) servers.push(await spawnBenchServer(env));
        const chats = servers.map((s) =>
          createClient(ChatService, createConnectTransport({ baseUrl: s.url, httpVersion: "2" })),
        );
        let next = 0;
        const cpu = () => servers.reduce((t, s) => t + cpuSeconds(s.pid), 0);
        const cpuBefore = cpu();
        const result = await phase(streams, seconds, async () => {
          await upstream.enqueue(soakAnswer());
          await soakChat(chats[next++ % chats.length]!);
        });
        const cpuMsPerChat = ((cpu() - cpuBefore) * 1000) / Math.max(1, result.chats);
        out.push({ ...result, instances: n, chatsPerSecond: result.chats / seconds, cpuMsPerChat });
      } finally {
        await Promise.all(servers.map((s) => s.stop()));
        await db.drop();
      }
    }
  } finally {
    upstream.stop();
  }
  return out;
}
