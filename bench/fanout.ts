import { setMaxListeners } from "node:events";
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import { setTimeout as sleep } from "node:timers/promises";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import WebSocket from "ws";
import { MessageService } from "../gen/floe/v1/message_pb.js";
import { type BenchServer, spawnBenchServer } from "./spawn-server.js";
import { percentile } from "./stats.js";

/** p50, p99 and the longest of a set of times, ms. */
export interface Quantiles {
  p50: number;
  p99: number;
  max: number;
}

/** The server's memory at one point, bytes: RSS as it was, then RSS and the heap after a full collection. */
export interface MemoryPoint {
  rss: number;
  rssAfterGc: number;
  heapUsed: number;
  /** The heap's reserved size after the collection. */
  heapTotal: number;
  /** Memory outside the JS heap that V8 knows of (buffers). */
  external: number;
}

export interface FanoutResult {
  ws: number;
  connect: number;
  events: number;
  /** One event to one subscriber (the baseline), per surface. */
  single: { ws: Quantiles; connect: Quantiles };
  /** Per event, from just before the POST to the last of all subscribers. */
  all: Quantiles;
  /** The same, to the last WebSocket and the last Connect subscriber. */
  lastWs: Quantiles;
  lastConnect: Quantiles;
  /** Every subscriber's own arrival, all events. */
  arrival: Quantiles;
  memory: { before: MemoryPoint; afterWs: MemoryPoint; afterConnect: MemoryPoint; afterEvents: MemoryPoint };
  /** Seconds taken to open the subscribers (each counted once its snapshot arrived). */
  openSeconds: { ws: number; connect: number };
  /** CPU time per fanned-out event, ms: the server's, and this process's (the subscribers' side). */
  cpuPerEvent: { server: number; client: number };
  /** Arrivals that never came (events timed out), came late, or subscribers that ended before the end. */
  missing: number;
  late: number;
  dropped: number;
}

const STREAMS_PER_SESSION = 125;
/** Events measured to one subscriber (the baseline): cheap, and enough for a steadier p99. */
const SINGLE_EVENTS = 100;
const EVENT_TIMEOUT_MS = 60_000;
const SETTLE_MS = 3_000;
const MARK = /"content":"fanout (\d+)"/;

interface Pending {
  id: number;
  t0: number;
  left: number;
  lastWs: number;
  lastConnect: number;
  arrivals: number[] | undefined;
  done: () => void;
}

/** Arrivals of the event being measured, by the marker in its content. */
class Arrivals {
  private current: Pending | undefined;
  private nextId = 1;
  late = 0;
  dropped = 0;

  arrive(id: number, surface: "ws" | "connect"): void {
    const c = this.current;
    const now = performance.now();
    if (!c || c.id !== id) {
      this.late++;
      return;
    }
    const dt = now - c.t0;
    c.arrivals?.push(dt);
    if (surface === "ws") c.lastWs = dt;
    else c.lastConnect = dt;
    if (--c.left === 0) c.done();
  }

  /** Publishes one event to the human and waits for `expected` subscribers to get it. */
  async publish(
    url: string,
    expected: number,
    arrivals?: number[],
  ): Promise<{ last: number; lastWs: number; lastConnect: number; missing: number }> {
    const id = this.nextId++;
    let done!: () => void;
    const all = new Promise<void>((r) => (done = r));
    const c: Pending = { id, t0: 0, left: expected, lastWs: NaN, lastConnect: NaN, arrivals, done };
    this.current = c;
    c.t0 = performance.now();
    const posted = fetch(`${url}/api/v1/messages/to-human`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ content: `fanout ${id}`, sender: "default" }),
    }).then(async (res) => {
      if (!res.ok) throw new Error(`POST /messages/to-human: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    });
    const timer = setTimeout(done, EVENT_TIMEOUT_MS);
    try {
      await Promise.all([all, posted]);
    } finally {
      clearTimeout(timer);
    }
    const waited = performance.now() - c.t0;
    this.current = undefined;
    const last = c.left === 0 ? Math.max(c.lastWs || 0, c.lastConnect || 0) : waited;
    return { last, lastWs: c.lastWs, lastConnect: c.lastConnect, missing: c.left };
  }
}

const quantiles = (xs: number[]): Quantiles => ({
  p50: percentile(xs, 50),
  p99: percentile(xs, 99),
  max: xs.reduce((m, x) => Math.max(m, x), -Infinity),
});

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : NaN;
}

async function memoryPoint(server: BenchServer): Promise<MemoryPoint> {
  await sleep(SETTLE_MS);
  const rss = rssBytes(server.pid);
  const m = (await (await fetch(`${server.url}/bench/memory?gc=1`)).json()) as NodeJS.MemoryUsage;
  await sleep(500);
  const { heapUsed, heapTotal, external } = m;
  return { rss, rssAfterGc: rssBytes(server.pid), heapUsed, heapTotal, external };
}

/** This process's soft limit on open files, from /proc. */
function openFileLimit(): number {
  const m = /Max open files\s+(\d+|unlimited)/.exec(readFileSync("/proc/self/limits", "utf8"));
  return !m || m[1] === "unlimited" ? Infinity : Number(m[1]);
}

/** Runs `open(i)` for i < n, `width` at a time. */
async function inBatches<T>(n: number, width: number, open: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await open(i);
      }
    }),
  );
  return out;
}

/** An event WebSocket without bus events, open once its snapshot came. */
function openSocket(url: string, hub: Arrivals): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/v1/events/ws?include_bus=false`, {
      perMessageDeflate: false,
    });
    let open = false;
    ws.on("message", (data) => {
      const s = String(data);
      if (!open) {
        open = s.startsWith('{"event":"snapshot"');
        if (open) resolve(ws);
        return;
      }
      if (!s.startsWith('{"event":"human_message"')) return;
      const m = MARK.exec(s);
      if (m) hub.arrive(Number(m[1]), "ws");
    });
    ws.once("error", reject);
    ws.once("close", (code) => {
      if (!open) reject(new Error(`event WebSocket closed with ${code} before its snapshot`));
      else if (!closing.has(ws)) hub.dropped++;
    });
  });
}
const closing = new WeakSet<WebSocket>();

/**
 * A SubscribeEvents stream read as raw Connect frames over one HTTP/2
 * session: the marker is found in the bytes, with no decoding, so that the
 * subscribers' side (which shares the machine's two cores with the server)
 * costs little next to the server's. BENCH_FANOUT_CLIENT=connect-node uses
 * the generated client instead.
 */
function openRawStream(session: http2.ClientHttp2Session, signal: AbortSignal, hub: Arrivals): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(JSON.stringify({ includeBus: false }));
    const head = Buffer.alloc(5);
    head.writeUInt32BE(body.length, 1);
    const req = session.request({
      ":method": "POST",
      ":path": "/floe.v1.MessageService/SubscribeEvents",
      "content-type": "application/connect+json",
      "connect-protocol-version": "1",
    });
    req.end(Buffer.concat([head, body]));
    let open = false;
    req.on("data", (chunk: Buffer) => {
      if (!open) {
        open = chunk.includes('"snapshot"');
        if (open) resolve();
        return;
      }
      for (let i = chunk.indexOf("fanout "); i >= 0; i = chunk.indexOf("fanout ", i + 7)) {
        let n = 0;
        for (let j = i + 7; j < chunk.length && chunk[j]! >= 48 && chunk[j]! <= 57; j++) n = n * 10 + chunk[j]! - 48;
        hub.arrive(n, "connect");
      }
    });
    const onAbort = () => req.close(http2.constants.NGHTTP2_CANCEL);
    signal.addEventListener("abort", onAbort, { once: true });
    req.once("close", () => {
      if (!open) reject(new Error("SubscribeEvents ended before its snapshot"));
      else if (!signal.aborted) hub.dropped++;
    });
    req.once("error", (e) => {
      if (!open) reject(e);
    });
  });
}

/** A SubscribeEvents stream without bus events, open once its snapshot came; it reads on in the background. */
function openStream(client: Client<typeof MessageService>, signal: AbortSignal, hub: Arrivals): Promise<void> {
  return new Promise((resolve, reject) => {
    let open = false;
    void (async () => {
      try {
        for await (const r of client.subscribeEvents({ includeBus: false }, { signal })) {
          if (!open) {
            open = r.type === "snapshot";
            if (open) resolve();
            continue;
          }
          const k = r.event?.kind;
          if (r.type === "human_message" && k?.case === "humanMessage" && k.value.content.startsWith("fanout "))
            hub.arrive(Number(k.value.content.slice(7)), "connect");
        }
        if (!open) reject(new Error("SubscribeEvents ended before its snapshot"));
        else if (!signal.aborted) hub.dropped++;
      } catch (e) {
        if (!open) reject(e as Error);
        else if (!signal.aborted) hub.dropped++;
      }
    })();
  });
}

/** `events` events (after `warmup` unmeasured ones), one at a time, to `expected` subscribers. */
async function publishAll(
  server: BenchServer,
  hub: Arrivals,
  expected: number,
  events: number,
  warmup: number,
  arrivals?: number[],
) {
  for (let i = 0; i < warmup; i++) await hub.publish(server.url, expected);
  const runs = [];
  const serverCpu = cpuMs(server.pid);
  const clientCpu = process.cpuUsage();
  // BENCH_FANOUT_MARKS: the measured stretch on the monotonic clock (µs), to cut a server's --cpu-prof to it.
  if (process.env.BENCH_FANOUT_MARKS) console.error(`events from ${process.hrtime.bigint() / 1000n} us`);
  for (let i = 0; i < events; i++) runs.push(await hub.publish(server.url, expected, arrivals));
  if (process.env.BENCH_FANOUT_MARKS) console.error(`events to ${process.hrtime.bigint() / 1000n} us`);
  const client = process.cpuUsage(clientCpu);
  const cpu = {
    server: (cpuMs(server.pid) - serverCpu) / events,
    client: (client.user + client.system) / 1000 / events,
  };
  return { runs, cpu };
}

/** CPU time a process has used, ms (user and system: fields 14 and 15 of /proc/<pid>/stat, in 10 ms ticks). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Fan-out: `ws` idle event WebSockets and `connect` idle SubscribeEvents
 * streams (spread over HTTP/2 sessions of 125 streams) on one server, then
 * `events` messages to the human published one at a time. For each, the time
 * from just before the POST until the last subscriber has it; the baseline is
 * the same event to one subscriber of each surface (100 events each), on the
 * same server, first.
 * Memory per subscriber is the server's RSS (and heap after a full
 * collection) with the subscribers connected and idle, against before.
 */
export async function measureFanout(ws: number, connect: number, events: number): Promise<FanoutResult> {
  const sessions = Math.ceil(connect / STREAMS_PER_SESSION);
  const limit = openFileLimit();
  if (limit < ws + sessions + 200)
    throw new Error(
      `fan-out needs about ${ws + sessions + 200} open files, the limit is ${limit}: raise it with ulimit -n`,
    );
  // Heartbeats are off the path: an idle subscriber gets none while measured.
  const server = await spawnBenchServer({ FLOE_HEARTBEAT_MS: "600000" });
  const hub = new Arrivals();
  const abort = new AbortController();
  setMaxListeners(0, abort.signal);
  const sockets: WebSocket[] = [];
  const rawSessions: http2.ClientHttp2Session[] = [];
  try {
    const clients = Array.from({ length: Math.max(1, sessions) }, () =>
      createClient(MessageService, createConnectTransport({ baseUrl: server.url, httpVersion: "2" })),
    );

    // Baseline: one subscriber, then the other; also warms the publish path.
    const one = await openSocket(server.url, hub);
    const singleWs = (await publishAll(server, hub, 1, SINGLE_EVENTS, 5)).runs;
    closing.add(one);
    one.close();
    const oneAbort = new AbortController();
    await openStream(clients[0]!, oneAbort.signal, hub);
    const singleConnect = (await publishAll(server, hub, 1, SINGLE_EVENTS, 5)).runs;
    oneAbort.abort();

    const before = await memoryPoint(server);
    let t = performance.now();
    sockets.push(...(await inBatches(ws, 100, () => openSocket(server.url, hub))));
    const wsSeconds = (performance.now() - t) / 1000;
    const afterWs = await memoryPoint(server);
    t = performance.now();
    const lean = process.env.BENCH_FANOUT_CLIENT !== "connect-node";
    const raw = lean ? Array.from({ length: Math.max(1, sessions) }, () => http2.connect(server.url)) : [];
    rawSessions.push(...raw);
    await inBatches(connect, 100, (i) =>
      lean
        ? openRawStream(raw[i % raw.length]!, abort.signal, hub)
        : openStream(clients[i % clients.length]!, abort.signal, hub),
    );
    const connectSeconds = (performance.now() - t) / 1000;
    const afterConnect = await memoryPoint(server);

    const arrivals: number[] = [];
    const { runs, cpu } = await publishAll(server, hub, ws + connect, events, 3, arrivals);
    const afterEvents = await memoryPoint(server);
    return {
      ws,
      connect,
      events,
      single: { ws: quantiles(singleWs.map((r) => r.last)), connect: quantiles(singleConnect.map((r) => r.last)) },
      all: quantiles(runs.map((r) => r.last)),
      lastWs: quantiles(runs.map((r) => r.lastWs)),
      lastConnect: quantiles(runs.map((r) => r.lastConnect)),
      arrival: quantiles(arrivals),
      memory: { before, afterWs, afterConnect, afterEvents },
      openSeconds: { ws: wsSeconds, connect: connectSeconds },
      cpuPerEvent: cpu,
      missing: runs.reduce((n, r) => n + r.missing, 0),
      late: hub.late,
      dropped: hub.dropped,
    };
  } finally {
    for (const session of rawSessions) session.destroy();
    for (const s of sockets) {
      closing.add(s);
      s.terminate();
    }
    abort.abort();
    await server.stop();
  }
}
