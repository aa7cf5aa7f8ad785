import http2 from "node:http2";
import autocannon from "autocannon";
import { envelope } from "../src/server/fast-path/index.js";

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  errors: number;
}

/** HTTP/1.1 keep-alive load with autocannon. */
export async function loadHttp1(
  url: string,
  body: string | Buffer,
  headers: Record<string, string>,
  seconds: number,
  connections = 16,
): Promise<LoadResult> {
  const r = await autocannon({ url, method: "POST", body, headers, duration: seconds, connections });
  const errors = r.errors + r.non2xx + r.timeouts;
  return { requests: r.requests.total, seconds, rps: r.requests.total / seconds, errors };
}

/**
 * HTTP/2 load: `sessions` connections, each keeping `streams` requests in
 * flight, for `seconds`. A response counts when its stream ends; gRPC calls
 * count as errors unless grpc-status is 0.
 */
export async function loadHttp2(
  origin: string,
  path: string,
  body: Buffer,
  headers: Record<string, string>,
  seconds: number,
  sessions = 2,
  streams = 8,
): Promise<LoadResult> {
  let requests = 0;
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  const grpc = (headers["content-type"] ?? "").startsWith("application/grpc");
  const worker = (session: http2.ClientHttp2Session) =>
    new Promise<void>((resolve) => {
      const once = () => {
        if (Date.now() >= deadline) return resolve();
        const req = session.request({ ":method": "POST", ":path": path, ...headers });
        let status = 0;
        let grpcStatus: string | undefined;
        req.on("response", (h) => (status = Number(h[":status"])));
        req.on("trailers", (t) => (grpcStatus = t["grpc-status"] as string | undefined));
        req.on("data", () => {});
        req.on("end", () => {
          if (status === 200 && (!grpc || grpcStatus === "0")) requests++;
          else errors++;
          once();
        });
        req.on("error", () => {
          errors++;
          once();
        });
        req.end(body);
      };
      once();
    });
  const all: Promise<void>[] = [];
  const open: http2.ClientHttp2Session[] = [];
  for (let i = 0; i < sessions; i++) {
    const s = http2.connect(origin);
    open.push(s);
    for (let j = 0; j < streams; j++) all.push(worker(s));
  }
  await Promise.all(all);
  for (const s of open) s.close();
  return { requests, seconds, rps: requests / seconds, errors };
}

/** Frames a protobuf message as one gRPC length-prefixed message. */
export function grpcFrame(message: Uint8Array): Buffer {
  return envelope(0, message);
}
