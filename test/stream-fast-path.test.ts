import http from "node:http";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { afterEach, describe, expect, it } from "vitest";
import { StreamMessageRequestSchema, StreamMessageResponseSchema } from "../gen/floe/v1/chat_pb.js";
import { envelope } from "../src/server/fast-path/index.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";

const chatRequest = (text: string) =>
  envelope(
    0,
    toBinary(StreamMessageRequestSchema, create(StreamMessageRequestSchema, { chat: { text, maxIterations: 1 } })),
  );

/** A Connect server-stream call over HTTP/1.1 whose request body the test writes by hand. */
function openStream(url: string) {
  const frames: { flags: number; data: Buffer }[] = [];
  let pending = Buffer.alloc(0);
  let onFrame: (() => void) | undefined;
  const req = http.request(`${url}/floe.v1.ChatService/StreamMessage`, {
    method: "POST",
    headers: { "content-type": "application/connect+proto", "connect-protocol-version": "1" },
  });
  const ended = new Promise<number>((resolve, reject) => {
    req.on("response", (res) => {
      res.on("data", (chunk: Buffer) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
          const len = pending.readUInt32BE(1);
          frames.push({ flags: pending[0]!, data: pending.subarray(5, 5 + len) });
          pending = pending.subarray(5 + len);
          onFrame?.();
        }
      });
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
  });
  const firstFrame = () =>
    new Promise<void>((resolve) => {
      if (frames.length > 0) resolve();
      else onFrame = resolve;
    });
  const events = () =>
    frames.filter((f) => f.flags === 0).map((f) => fromBinary(StreamMessageResponseSchema, f.data).event?.kind.case);
  const endStream = () =>
    JSON.parse(frames.find((f) => f.flags === 2)?.data.toString() ?? "null") as {
      error?: { code: string; message: string };
    } | null;
  return { req, ended, firstFrame, events, endStream };
}

describe("Connect server streams on Floe's fast path", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  it("starts the run once the request message is complete, before the body ends", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("early"));
    const s = openStream(c.server.url);
    s.req.write(chatRequest("go"));
    // The body is still open: the run has started and streams anyway.
    await s.firstFrame();
    expect(s.events()[0]).toBe("start");
    s.req.end();
    expect(await s.ended).toBe(200);
    expect(s.events()).toContain("complete");
    expect(s.endStream()?.error).toBeUndefined();
    expect(c.server.fastPath.snapshot()).toMatchObject({ stream: 1, rejected: 0 });
  });

  it("reports an extra request message as a protocol error", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("one"));
    const s = openStream(c.server.url);
    s.req.write(chatRequest("go"));
    await s.firstFrame();
    s.req.end(chatRequest("again"));
    expect(await s.ended).toBe(200);
    expect(s.endStream()?.error).toMatchObject({
      code: "invalid_argument",
      message: expect.stringContaining("extra input message"),
    });
    // The first message's run still ran to its end: nothing half-done is left.
    expect(s.events()).toContain("complete");
    expect(c.server.fastPath.snapshot()).toMatchObject({ stream: 1, rejected: 0 });
  });

  it("rejects a request message larger than the limit before reading it", async () => {
    c = await createChatEnv({ env: { FLOE_MAX_BODY_BYTES: "1024" } });
    const s = openStream(c.server.url);
    const head = Buffer.alloc(5);
    head.writeUInt32BE(10_000_000, 1);
    s.req.end(head);
    await s.ended;
    expect(s.endStream()?.error).toMatchObject({ code: "resource_exhausted" });
    expect(s.events()).toEqual([]);
    // Refused by the fast path's body reader before any handler ran.
    expect(c.server.fastPath.snapshot()).toMatchObject({ stream: 0, rejected: 1 });
  });

  it("rejects a truncated request message", async () => {
    c = await createChatEnv();
    const s = openStream(c.server.url);
    s.req.end(chatRequest("go").subarray(0, 8));
    await s.ended;
    expect(s.endStream()?.error).toMatchObject({ code: "invalid_argument" });
    expect(c.fake.requests).toHaveLength(0);
    expect(c.server.fastPath.snapshot()).toMatchObject({ stream: 1, rejected: 0 });
  });
});
