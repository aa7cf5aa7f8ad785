import { measureUnaryThroughput } from "./unary-throughput.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const fmt = (n: number) => n.toFixed(0).padStart(8);
const ratio = (a: number, b: number) => (a / b).toFixed(2);

const u = await measureUnaryThroughput(seconds);
console.log(`\nUnary throughput (2 alternating rounds of ${seconds}s each, req/s; ratio to the plain fastify route over HTTP/1.1)`);
console.log(`  plain fastify JSON route, HTTP/1.1 ${fmt(u.plain.rps)}  1.00  (floor)`);
console.log(`  Connect JSON unary,       HTTP/1.1 ${fmt(u.connectJson.rps)}  ${ratio(u.connectJson.rps, u.plain.rps)}`);
console.log(`  plain fastify JSON route, HTTP/2   ${fmt(u.plainH2.rps)}  ${ratio(u.plainH2.rps, u.plain.rps)}`);
console.log(`  gRPC unary,               HTTP/2   ${fmt(u.grpc.rps)}  ${ratio(u.grpc.rps, u.plain.rps)}  (${ratio(u.grpc.rps, u.plainH2.rps)} of plain over HTTP/2)`);
console.log(`  for reference, the same calls through connect-fastify's universal handler:`);
console.log(`  Connect JSON unary,       HTTP/1.1 ${fmt(u.connectJsonUniversal.rps)}  ${ratio(u.connectJsonUniversal.rps, u.plain.rps)}`);
console.log(`  gRPC unary,               HTTP/2   ${fmt(u.grpcUniversal.rps)}  ${ratio(u.grpcUniversal.rps, u.plain.rps)}`);
const errors = Object.values(u).reduce((n, r) => n + r.errors, 0);
if (errors > 0) console.log(`  errors: ${errors}`);
