import { measureClusterLatency, measureNotifyLimits } from "./cluster.js";
import { measureClusterThroughput } from "./cluster-throughput.js";
import { measureEventLog } from "./event-log.js";
import { measureFanout } from "./fanout.js";
import { measureSoak } from "./soak.js";
import { measureRelay } from "./relay.js";
import { measureUnaryThroughput } from "./unary-throughput.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const only = process.argv[2];
const fmt = (n: number) => n.toFixed(0).padStart(8);
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const ms = (n: number) => `${n.toFixed(2)} ms`;

if (!only || only === "unary") {
  const u = await measureUnaryThroughput(seconds);
  console.log(
    `\nUnary throughput (2 alternating rounds of ${seconds}s each, req/s; ratio to the plain fastify route over HTTP/1.1)`,
  );
  console.log(`  plain fastify JSON route, HTTP/1.1 ${fmt(u.plain.rps)}  1.00  (floor)`);
  console.log(
    `  Connect JSON unary,       HTTP/1.1 ${fmt(u.connectJson.rps)}  ${ratio(u.connectJson.rps, u.plain.rps)}`,
  );
  console.log(`  plain fastify JSON route, HTTP/2   ${fmt(u.plainH2.rps)}  ${ratio(u.plainH2.rps, u.plain.rps)}`);
  console.log(
    `  gRPC unary,               HTTP/2   ${fmt(u.grpc.rps)}  ${ratio(u.grpc.rps, u.plain.rps)}  (${ratio(u.grpc.rps, u.plainH2.rps)} of plain over HTTP/2)`,
  );
  console.log(`  for reference, the same calls through connect-fastify's universal handler:`);
  console.log(
    `  Connect JSON unary,       HTTP/1.1 ${fmt(u.connectJsonUniversal.rps)}  ${ratio(u.connectJsonUniversal.rps, u.plain.rps)}`,
  );
  console.log(
    `  gRPC unary,               HTTP/2   ${fmt(u.grpcUniversal.rps)}  ${ratio(u.grpcUniversal.rps, u.plain.rps)}`,
  );
  const errors = Object.values(u).reduce((n, r) => n + r.errors, 0);
  if (errors > 0) console.log(`  errors: ${errors}`);
}

if (!only || only === "relay") {
  const { relay, ttft } = await measureRelay(Number(process.env.BENCH_TOKENS ?? 20000), [1, 100]);
  console.log(
    `\nRelay throughput (${relay.tokens} tokens per stream; baseline: the openai SDK reading the fake upstream directly)`,
  );
  console.log(`  raw SDK       ${fmt(relay.rawTokensPerSec)} tokens/s  1.00`);
  console.log(
    `  through Floe  ${fmt(relay.floeTokensPerSec)} tokens/s  ${ratio(relay.floeTokensPerSec, relay.rawTokensPerSec)}`,
  );
  console.log(`\nAdded time to first token (Floe minus the upstream read directly)`);
  console.log(`  clients: connect-node (Floe) and the openai SDK (upstream)`);
  for (const t of ttft) {
    console.log(
      `  ${String(t.concurrency).padStart(3)} concurrent: p50 ${ms(t.floeP50 - t.rawP50)} (upstream ${ms(t.rawP50)}, Floe ${ms(t.floeP50)}); p99 ${ms(t.floeP99 - t.rawP99)} (upstream ${ms(t.rawP99)}, Floe ${ms(t.floeP99)})`,
    );
  }
  console.log(`  one minimal HTTP/1.1 client on both sides`);
  for (const { concurrency, sameClient: t } of ttft) {
    console.log(
      `  ${String(concurrency).padStart(3)} concurrent: p50 ${ms(t.floeP50 - t.rawP50)} (upstream ${ms(t.rawP50)}, Floe ${ms(t.floeP50)}); p99 ${ms(t.floeP99 - t.rawP99)} (upstream ${ms(t.rawP99)}, Floe ${ms(t.floeP99)})`,
    );
  }
}

if (!only || only === "eventlog") {
  const results = await measureEventLog(Number(process.env.BENCH_EVENTS ?? 50000));
  console.log(`\nEvent log appends (baseline: the same rows as plain batched inserts)`);
  for (const r of results) {
    console.log(
      `  ${r.dialect.padEnd(8)} EventLog ${fmt(r.logPerSec)} events/s, raw inserts ${fmt(r.rawPerSec)} events/s, ratio ${ratio(r.logPerSec, r.rawPerSec)}`,
    );
  }
}

if (!only || only === "soak") {
  const streams = Number(process.env.BENCH_SOAK_STREAMS ?? 20);
  const s = await measureSoak(streams, Number(process.env.BENCH_SOAK_SECONDS ?? 15));
  const mib = (n: number) => `${n.toFixed(0)} MiB`;
  console.log(
    `\nSoak (${s.streams} concurrent streamed chats for ${s.seconds}s each way; baseline: the upstream read directly)`,
  );
  console.log(
    `  direct  ${s.direct.chats} chats, ${s.direct.errors} errors, p50 ${ms(s.direct.p50)}, p99 ${ms(s.direct.p99)}`,
  );
  console.log(`  Floe    ${s.floe.chats} chats, ${s.floe.errors} errors, p50 ${ms(s.floe.p50)}, p99 ${ms(s.floe.p99)}`);
  console.log(
    `  ratios  chats ${ratio(s.floe.chats, s.direct.chats)}, p50 ${ratio(s.floe.p50, s.direct.p50)}, p99 ${ratio(s.floe.p99, s.direct.p99)}`,
  );
  console.log(
    `  server memory: ${mib(s.memory.before)} idle before, ${mib(s.memory.peak)} peak, ${mib(s.memory.after)} idle after (${ratio(s.memory.after, s.memory.before)} of before)`,
  );
}

if (!only || only === "fanout") {
  const f = await measureFanout(
    Number(process.env.BENCH_FANOUT_WS ?? 5000),
    Number(process.env.BENCH_FANOUT_CONNECT ?? 5000),
    Number(process.env.BENCH_FANOUT_EVENTS ?? 30),
  );
  const subscribers = f.ws + f.connect;
  const q = (x: { p50: number; p99: number }) => `p50 ${ms(x.p50)}, p99 ${ms(x.p99)}`;
  const perSub = (after: number, before: number, n: number) => (n > 0 ? (after - before) / n : NaN);
  const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
  const mem = f.memory;
  const rssAll = perSub(mem.afterConnect.rss, mem.before.rss, subscribers);
  console.log(
    `\nFan-out (${f.ws} WebSocket + ${f.connect} Connect idle subscribers, ${f.events} events one at a time; baseline: one subscriber, same server)`,
  );
  console.log(`  one WS subscriber       ${q(f.single.ws)}  1.00 (100 events)`);
  console.log(`  one Connect subscriber  ${q(f.single.connect)}`);
  console.log(
    `  all ${subscribers} (last one)  ${q(f.all)}, max ${ms(f.all.max)}  p50 ${ratio(f.all.p50, f.single.ws.p50)}, p99 ${ratio(f.all.p99, f.single.ws.p99)} of one WS subscriber's; ${ratio(f.all.p99, 100)} of the 100 ms target`,
  );
  console.log(`  last WS subscriber      ${q(f.lastWs)}; last Connect subscriber ${q(f.lastConnect)}`);
  console.log(`  each arrival            ${q(f.arrival)}`);
  console.log(
    `  server memory per idle subscriber (RSS): ${kb(rssAll)} (${ratio(rssAll, 30_000)} of the 30 KB target); WS ${kb(perSub(mem.afterWs.rss, mem.before.rss, f.ws))}, Connect ${kb(perSub(mem.afterConnect.rss, mem.afterWs.rss, f.connect))}`,
  );
  console.log(
    `  heap used after a full GC, per subscriber: WS ${kb(perSub(mem.afterWs.heapUsed, mem.before.heapUsed, f.ws))}, Connect ${kb(perSub(mem.afterConnect.heapUsed, mem.afterWs.heapUsed, f.connect))}`,
  );
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    `  server RSS ${mib(mem.before.rss)} before, ${mib(mem.afterWs.rss)} with the WS subscribers, ${mib(mem.afterConnect.rss)} with all, ${mib(mem.afterEvents.rss)} after the events; heap ${mib(mem.before.heapUsed)}, ${mib(mem.afterWs.heapUsed)}, ${mib(mem.afterConnect.heapUsed)}, ${mib(mem.afterEvents.heapUsed)}`,
  );
  const e = mem.afterEvents;
  console.log(
    `  after the events, with a full GC: RSS ${mib(e.rssAfterGc)}, heap ${mib(e.heapUsed)} used of ${mib(e.heapTotal)}, external ${mib(e.external)}`,
  );
  console.log(
    `  CPU per fanned-out event: server ${ms(f.cpuPerEvent.server)}, bench process (all the subscribers) ${ms(f.cpuPerEvent.client)}`,
  );
  console.log(
    `  opened in ${f.openSeconds.ws.toFixed(1)} s (WS) and ${f.openSeconds.connect.toFixed(1)} s (Connect); missing ${f.missing}, late ${f.late}, dropped ${f.dropped}`,
  );
}

if (!only || only === "cluster") {
  const l = await measureClusterLatency(Number(process.env.BENCH_CLUSTER_TOKENS ?? 2000));
  const qs = (x: { p50: number; p99: number }) => `p50 ${ms(x.p50)}, p99 ${ms(x.p99)}`;
  console.log(`\nCross-instance event latency (${l.events} events of a run on A; append to delivery, one client)`);
  console.log(`  subscriber on A (same instance)   ${qs(l.sameInstance)}`);
  console.log(`  subscriber on B (other instance)  ${qs(l.otherInstance)}`);
  console.log(`  added on B, per event             ${qs(l.added)}  (target: added p99 <= 20 ms)`);
  const n = await measureNotifyLimits(Number(process.env.BENCH_NOTIFY ?? 20000));
  console.log(`\nLISTEN/NOTIFY on this Postgres (no Floe)`);
  console.log(`  ${fmt(n.perSecond)} notifications/s (one sender, pipelined, ~90-byte payloads)`);
  console.log(`  one notification send to receive: ${qs(n.latency)}`);
  console.log(`  largest payload accepted: ${n.maxPayloadBytes} bytes`);
  console.log(`  one idle listening backend: ${n.listenerRssKiB ?? "n/a"} KiB resident`);
}

if (!only || only === "instances") {
  const streams = Number(process.env.BENCH_SOAK_STREAMS ?? 20);
  const secs = Number(process.env.BENCH_SOAK_SECONDS ?? 15);
  const counts = (process.env.BENCH_INSTANCES ?? "1,2,3").split(",").map(Number);
  const rows = await measureClusterThroughput(streams, secs, counts);
  const one = rows[0]!;
  console.log(
    `\nThroughput with 1, 2 and 3 instances on one Postgres (the soak load: ${streams} concurrent streamed chats for ${secs}s, round-robin; baseline: 1 instance)`,
  );
  for (const r of rows) {
    console.log(
      `  ${r.instances} instance(s)  ${r.chatsPerSecond.toFixed(1).padStart(7)} chats/s  ${ratio(r.chatsPerSecond, one.chatsPerSecond)}  errors ${r.errors}, p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, server CPU ${r.cpuMsPerChat.toFixed(1)} ms/chat`,
    );
  }
}
