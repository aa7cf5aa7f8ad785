import { create, toBinary } from "@bufbuild/protobuf";
import { GetCurrentModelRequestSchema } from "../gen/floe/v1/model_pb.js";
import { grpcFrame, type LoadResult, loadHttp1, loadHttp2 } from "./load.js";
import { spawnBenchServer } from "./spawn-server.js";

export interface UnaryThroughput {
  plain: LoadResult;
  plainH2: LoadResult;
  connectJson: LoadResult;
  grpc: LoadResult;
  /** The same calls through connect-fastify's universal handler (a second server, its fast path off). */
  connectJsonUniversal: LoadResult;
  grpcUniversal: LoadResult;
}

const RPC = "/floe.v1.ModelService/GetCurrentModel";

function add(a: LoadResult | undefined, b: LoadResult): LoadResult {
  if (!a) return b;
  const requests = a.requests + b.requests;
  const seconds = a.seconds + b.seconds;
  return { requests, seconds, rps: requests / seconds, errors: a.errors + b.errors };
}

/**
 * Unary throughput on one server, in one run: a Connect JSON call and a gRPC
 * call against a plain fastify JSON route (the floor), all tiny messages.
 * The paths are measured in alternating rounds so that drift in the machine's
 * load hits them all alike.
 */
export async function measureUnaryThroughput(seconds: number, rounds = 2): Promise<UnaryThroughput> {
  const server = await spawnBenchServer();
  const universal = await spawnBenchServer({ BENCH_FAST_PATH: "off" });
  try {
    const json = { "content-type": "application/json" };
    const grpcBody = grpcFrame(toBinary(GetCurrentModelRequestSchema, create(GetCurrentModelRequestSchema)));
    const grpcHeaders = { "content-type": "application/grpc+proto", te: "trailers" };
    const paths: Record<keyof UnaryThroughput, () => Promise<LoadResult>> = {
      plain: () => loadHttp1(`${server.url}/bench/plain`, "{}", json, seconds),
      connectJson: () => loadHttp1(`${server.url}${RPC}`, "{}", json, seconds),
      plainH2: () => loadHttp2(server.url, "/bench/plain", Buffer.from("{}"), json, seconds),
      grpc: () => loadHttp2(server.url, RPC, grpcBody, grpcHeaders, seconds),
      connectJsonUniversal: () => loadHttp1(`${universal.url}${RPC}`, "{}", json, seconds),
      grpcUniversal: () => loadHttp2(universal.url, RPC, grpcBody, grpcHeaders, seconds),
    };
    // Warm up the JIT on every path before measuring.
    await loadHttp1(`${server.url}/bench/plain`, "{}", json, 1);
    await loadHttp1(`${server.url}${RPC}`, "{}", json, 1);
    await loadHttp2(server.url, RPC, grpcBody, grpcHeaders, 1);
    const totals: Partial<UnaryThroughput> = {};
    for (let r = 0; r < rounds; r++) {
      for (const key of Object.keys(paths) as (keyof UnaryThroughput)[])
        totals[key] = add(totals[key], await paths[key]());
    }
    return totals as UnaryThroughput;
  } finally {
    await universal.stop();
    await server.stop();
  }
}
