import crypto from "node:crypto";
import net from "node:net";
import { gzipSync } from "node:zlib";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { connectJson, createTestEnv, fastPathProbe, NONE, type TestEnv } from "./support/test-server.js";

/** Writes raw bytes on a new connection and collects everything until the server closes it. */
async function rawExchange(port: number, bytes: string | Buffer, opts: { keepWriting?: () => Buffer } = {}) {
  const sock = net.connect(port, "127.0.0.1");
  await new Promise((r) => sock.once("connect", r));
  let got = "";
  sock.on("data", (d) => (got += d.toString("latin1")));
  // A server may end a refused connection with a reset: that is a close too, not a failure of the test.
  sock.on("error", () => undefined);
  sock.write(bytes);
  if (opts.keepWriting) for (let i = 0; i < 50; i++) sock.write(opts.keepWriting());
  await new Promise((r) => sock.once("close", r));
  return got;
}

/** A masked client text frame whose payload is not UTF-8. */
function invalidUtf8Frame(): Buffer {
  const mask = crypto.randomBytes(4);
  const payload = Buffer.from([0xc3, 0x28].map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, payload]);
}

/** Bad input gets the status that says what was wrong, on every surface. */
describe("statuses for bad input", () => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it("answers a body over the limit with 413 on Connect too, not the retryable 429", async () => {
    env = await createTestEnv();
    const server = await env.start({ overrides: { maxBodyBytes: 1024 } });
    const served = fastPathProbe(server);
    const res = await connectJson(server.url, "floe.v1.ConversationService/CreateConversation", {
      name: "x".repeat(4096),
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("resource_exhausted");
    expect(served()).toEqual({ ...NONE, rejected: 1 });
  });

  it("answers a binary body that does not decode with 400 invalid_argument, not 500", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const served = fastPathProbe(server);
    const res = await fetch(`${server.url}/floe.v1.ConversationService/GetConversation`, {
      method: "POST",
      headers: { "content-type": "application/proto" },
      body: Buffer.from([0xff, 0xff, 0xff, 0x0f, 0x01]),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: "invalid_argument",
      message: expect.stringContaining("parse binary"),
    });
    expect(served()).toEqual({ ...NONE, unary: 1 });
  });

  it("serves calls that carry a deadline on the fast path too: 413, 400, and the deadline itself", async () => {
    env = await createTestEnv();
    const server = await env.start({ overrides: { maxBodyBytes: 1024 }, env: { FLOE_HEARTBEAT_MS: "100" } });
    const served = fastPathProbe(server);
    const call = (path: string, body: string | Uint8Array, headers: Record<string, string>) =>
      fetch(`${server.url}/${path}`, { method: "POST", headers, body: body as BodyInit });
    const big = await call(
      "floe.v1.ConversationService/CreateConversation",
      JSON.stringify({ name: "x".repeat(4096) }),
      {
        "content-type": "application/json",
        "connect-timeout-ms": "5000",
      },
    );
    expect(big.status).toBe(413);
    const bad = await call("floe.v1.ConversationService/GetConversation", Buffer.from([0xff, 0xff, 0xff, 0x0f]), {
      "content-type": "application/proto",
      "connect-timeout-ms": "5000",
    });
    expect(bad.status).toBe(400);
    const invalid = await call("floe.v1.ModelService/GetCurrentModel", "{}", {
      "content-type": "application/json",
      "connect-timeout-ms": "soon",
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      code: "invalid_argument",
      message: expect.stringContaining("timeout"),
    });
    expect(served()).toEqual({ ...NONE, rejected: 1, unary: 2 });
    // A stream that outlives its deadline ends with deadline_exceeded, on the fast path.
    const chat = createClient(ChatService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    const done = await chat.sendMessage({ chat: { text: "hello" } });
    served();
    const err = await (async () => {
      for await (const _ of chat.subscribe({ conversationId: done.conversationId }, { timeoutMs: 400 })) void _;
    })().catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.DeadlineExceeded);
    expect(served()).toEqual({ ...NONE, stream: 1 });
  });

  it("serves compressed calls on the fast path too: 413 for a body that inflates past the limit, 400 for bad gzip", async () => {
    env = await createTestEnv();
    const server = await env.start({ overrides: { maxBodyBytes: 1024 } });
    const served = fastPathProbe(server);
    const post = (body: Uint8Array) =>
      fetch(`${server.url}/floe.v1.ConversationService/CreateConversation`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body: body as BodyInit,
      });
    const small = gzipSync(JSON.stringify({ name: "x".repeat(8000) }));
    expect(small.length).toBeLessThan(1024);
    const inflated = await post(small);
    expect(inflated.status).toBe(413);
    expect(await inflated.json()).toMatchObject({ code: "resource_exhausted" });
    const bad = await post(Buffer.from("not gzip at all"));
    expect(bad.status).toBe(400);
    const ok = await post(gzipSync(JSON.stringify({ name: "zipped" })));
    expect(await ok.json()).toMatchObject({ conversation: { name: "zipped" } });
    expect(served()).toEqual({ ...NONE, unary: 3 });
  });

  it("answers request headers over the limit with 431 instead of a reset", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const got = await rawExchange(
      server.port,
      `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expect(got).toMatch(/^HTTP\/1\.1 431 /);
    const garbage = await rawExchange(server.port, "NOT HTTP AT ALL\r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1\.1 400 /);
  });

  it("logs a WebSocket's invalid UTF-8 once per connection, as a warning", async () => {
    env = await createTestEnv();
    const lines: { level: number; msg: string }[] = [];
    const server = await env.start({ logLevel: "info", logStream: { write: (l) => void lines.push(JSON.parse(l)) } });
    const key = crypto.randomBytes(16).toString("base64");
    const upgrade =
      `GET /api/v1/chat/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    const got = await rawExchange(server.port, upgrade, { keepWriting: invalidUtf8Frame });
    expect(got).toMatch(/^HTTP\/1\.1 101 /);
    const about = lines.filter((l) => /websocket|UTF-8/i.test(JSON.stringify(l)));
    expect(about).toHaveLength(1);
    expect(about[0]!.level).toBe(40);
  });
});
