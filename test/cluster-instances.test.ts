import { afterEach, describe, expect, it } from "vitest";
import type { Event } from "../gen/floe/v1/events_pb.js";
import { type ClusterEnv, createClusterEnv } from "./support/cluster-env.js";
import { reply } from "./support/fake-openai.js";

let c: ClusterEnv | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

type Chat = NonNullable<ClusterEnv["chats"][0]>;

describe("instances sharing one Postgres", () => {
  it("names the instance in every log line and in /metrics", async () => {
    const lines: string[] = [];
    c = await createClusterEnv(2, { logLevel: "info", logStream: { write: (l) => void lines.push(l) } });
    const ids = c.servers.map((s) => s.app.cluster.instanceId);
    expect(new Set(ids).size).toBe(2);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(ids).toContain(JSON.parse(line).instance);
    for (const s of c.servers) {
      const text = await (await fetch(`${s.url}/metrics`)).text();
      expect(text).toContain(`floe_instance_info{instance="${s.app.cluster.instanceId}"} 1`);
    }
  });

  it("a snapshot on B lists the run executing on A, and end_after_live_runs waits for it", async () => {
    c = await createClusterEnv(2);
    const [a, b] = c.chats as [Chat, Chat];
    c.fake.enqueue(reply.stall(["working "], 60_000));
    const it = a.streamMessage({ chat: { text: "long job" } })[Symbol.asyncIterator]();
    let first = (await it.next()).value!.event!;
    while (first.kind.case !== "token") first = (await it.next()).value!.event!;
    const { runId, conversationId } = first;
    const onB: Event[] = [];
    const followed = (async () => {
      for await (const r of b.subscribe({ conversationId, afterSeq: 0n, endAfterLiveRuns: true }))
        if (r.event) onB.push(r.event);
    })();
    // The snapshot comes first and names A's run, although B does not execute it.
    while (onB.length === 0) await new Promise((r) => setImmediate(r));
    expect(onB[0]!.kind.case).toBe("snapshot");
    expect(onB[0]!.kind.value).toMatchObject({ activeRuns: [{ runId }] });
    await a.cancelRun({ runId });
    await followed;
    expect(onB.at(-1)!.kind.case).toBe("cancelled");
    expect(onB.at(-1)!.runId).toBe(runId);
  });
});
