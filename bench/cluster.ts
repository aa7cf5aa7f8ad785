import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import pg from "pg";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { reply } from "../test/support/fake-openai.js";
import { createThrowawayDatabase } from "../test/support/postgres.js";
import { spawnBenchServer } from "./spawn-server.js";
import { spawnUpstream } from "./spawn-upstream.js";
import { percentile } from "./stats.js";

export interface Quantiles {
  p50: number;
  p99: number;
}

export interface ClusterLatency {
  events: number;
  /** Client receive time minus the event's append time, subscriber on the instance running the run. */
  sameInstance: Quantiles;
  /** The same, subscriber on the other instance. */
  otherInstance: Quantiles;
  /** Per event: receive time on B minus receive time on A (the cost of crossing instances). */
  added: Quantiles;
}

const q = (xs: number[]): Quantiles => ({ p50: percentile(xs, 50), p99: percentile(xs, 99) });

/**
 * A run on instance A (its own process) streaming `tokens` tokens; one
 * subscriber on A and one on B (another process on the same Postgres) in this
 * client process, which stamps each event as it arrives on either.
 */
export async function measureClusterLatency(tokens: number): Promise<ClusterLatency> {
  const db = await createThrowawayDatabase();
  const upstream = await spawnUpstream();
  const env = { FLOE_DATABASE_URL: db.url, OPENAI_BASE_URL: upstream.url, OPENAI_API_KEY: "k", FLOE_MODEL: "m" };
  const a = await spawnBenchServer(env);
  const b = await spawnBenchServer(env);
  try {
    const chatOf = (url: string) =>
      createClient(ChatService, createConnectTransport({ baseUrl: url, httpVersion: "2" }));
    const [ca, cb] = [chatOf(a.url), chatOf(b.url)];
    await upstream.enqueue(reply.text("warm up"));
    const { conversationId } = await ca.sendMessage({ chat: { text: "warm up" } });
    const follow = async (c: typeof ca, into: Map<bigint, number>) => {
      let completes = 0;
      for await (const r of c.subscribe({ conversationId, afterSeq: 0n })) {
        const e = r.event;
        if (!e || e.seq === 0n) continue;
        into.set(e.seq, performance.timeOrigin + performance.now());
        // The warm-up run's end comes first, in the replay; the measured run's is the second.
        if (e.kind.case === "complete" && ++completes === 2) return;
      }
    };
    // Only the measured run's events are compared (the warm-up replayed first is not).
    const onA = new Map<bigint, number>();
    const onB = new Map<bigint, number>();
    const appended = new Map<bigint, number>();
    const text = "x".repeat(tokens);
    await upstream.enqueue(reply.text(text, { chunkSize: 1, delayMs: 2 }));
    const followA = follow(ca, onA).catch(() => undefined);
    const followB = follow(cb, onB).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    for await (const r of ca.streamMessage({ chat: { text: "stream", conversationId } })) {
      if (r.event && r.event.seq > 0n) appended.set(r.event.seq, Date.parse(r.event.timestamp));
    }
    await Promise.race([Promise.all([followA, followB]), new Promise((r) => setTimeout(r, 10_000))]);
    const same: number[] = [];
    const other: number[] = [];
    const added: number[] = [];
    for (const [seq, at] of appended) {
      const ta = onA.get(seq);
      const tb = onB.get(seq);
      if (ta === undefined || tb === undefined) continue;
      same.push(ta - at);
      other.push(tb - at);
      added.push(tb - ta);
    }
    return { events: added.length, sameInstance: q(same), otherInstance: q(other), added: q(added) };
  } finally {
    await a.stop();
    await b.stop();
    upstream.stop();
    await db.drop();
  }
}

export interface NotifyLimits {
  /** Notifications received per second, one sender sending without waiting. */
  perSecond: number;
  /** Send-to-receive time of single notifications. */
  latency: Quantiles;
  /** The largest payload accepted (Postgres refuses 8000 bytes and more). */
  maxPayloadBytes: number;
  /** Resident memory of one idle listening backend, when readable (same host). */
  listenerRssKiB?: number;
}

/** LISTEN/NOTIFY on this Postgres, with no Floe in the way. */
export async function measureNotifyLimits(count: number): Promise<NotifyLimits> {
  const db = await createThrowawayDatabase();
  const listener = new pg.Client({ connectionString: db.url });
  const sender = new pg.Client({ connectionString: db.url });
  await Promise.all([listener.connect(), sender.connect()]);
  try {
    await listener.query("LISTEN bench");
    let received = 0;
    let onEach: (() => void) | undefined;
    listener.on("notification", () => {
      received++;
      onEach?.();
    });
    const payload = JSON.stringify({ o: "instance-0123456789", e: [["00000000-0000-0000-0000-000000000000", 123456]] });
    const all = new Promise<void>((r) => (onEach = () => received >= count && r()));
    const t0 = performance.now();
    await Promise.all(Array.from({ length: count }, () => sender.query("select pg_notify('bench', $1)", [payload])));
    await all;
    const perSecond = count / ((performance.now() - t0) / 1000);
    const latency: number[] = [];
    for (let i = 0; i < 500; i++) {
      const got = new Promise<void>((r) => (onEach = r));
      const s = performance.now();
      await sender.query("select pg_notify('bench', $1)", [payload]);
      await got;
      latency.push(performance.now() - s);
    }
    let maxPayloadBytes = 0;
    for (const size of [7999, 8000]) {
      const ok = await sender.query("select pg_notify('bench', $1)", ["x".repeat(size)]).then(
        () => true,
        () => false,
      );
      if (ok) maxPayloadBytes = size;
    }
    const pid = (await listener.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid;
    const status = await import("node:fs/promises")
      .then((fs) => fs.readFile(`/proc/${pid}/status`, "utf8"))
      .catch(() => "");
    const rss = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return { perSecond, latency: q(latency), maxPayloadBytes, listenerRssKiB: rss ? Number(rss) : undefined };
  } finally {
    await Promise.all([listener.end(), sender.end()]);
    await db.drop();
  }
}
