import http from "node:http";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { StreamMessageRequestSchema, StreamMessageResponseSchema } from "../gen/floe/v1/chat_pb.js";
import { envelope } from "../src/server/fast-path/index.js";

/**
 * One minimal HTTP/1.1 streaming client for both sides of the time-to-first-
 * token comparison, so that neither side is charged for a client library the
 * other does not use: a keep-alive agent, the request in one write, and the
 * response parsed as it arrives (SSE lines from the upstream, Connect
 * envelopes from Floe). Each call resolves with milliseconds to the first
 * token, after reading the whole response.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1000 });

function post(url: string, contentType: string, body: Buffer, onData: (chunk: Buffer) => boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first = NaN;
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": contentType, "content-length": body.length, "connect-protocol-version": "1" },
      },
      (res) => {
        res.on("data", (chunk: Buffer) => {
          if (Number.isNaN(first) && onData(chunk)) first = performance.now() - t0;
        });
        res.on("end", () =>
          Number.isNaN(first) ? reject(new Error(`no token (HTTP ${res.statusCode})`)) : resolve(first),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The upstream read directly: time to the first SSE chunk whose delta carries content. */
export function upstreamFirstToken(baseUrl: string, request: object): Promise<number> {
  let pending = "";
  return post(
    `${baseUrl}/chat/completions`,
    "application/json",
    Buffer.from(JSON.stringify({ ...request, stream: true, stream_options: { include_usage: true } })),
    (chunk) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop()!;
      return lines.some(
        (l) =>
          l.startsWith("data: {") &&
          Boolean(
            (JSON.parse(l.slice(6)) as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content,
          ),
      );
    },
  );
}

/** Floe's ChatService.StreamMessage over Connect (binary): time to the first token event. */
export function floeFirstToken(floeUrl: string, text: string): Promise<number> {
  const message = toBinary(
    StreamMessageRequestSchema,
    create(StreamMessageRequestSchema, { chat: { text, maxIterations: 1 } }),
  );
  const body = envelope(0, message);
  let pending = Buffer.alloc(0);
  return post(`${floeUrl}/floe.v1.ChatService/StreamMessage`, "application/connect+proto", body, (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    let token = false;
    while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
      const len = pending.readUInt32BE(1);
      if (
        pending[0] === 0 &&
        fromBinary(StreamMessageResponseSchema, pending.subarray(5, 5 + len)).event?.kind.case === "token"
      )
        token = true;
      pending = pending.subarray(5 + len);
    }
    return token;
  });
}
