import http2 from "node:http2";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { createTestEnv, type TestEnv } from "./support/test-server.js";
import { connectWs } from "./support/ws-client.js";

const TIMEOUTS = {
  FLOE_HEADERS_TIMEOUT_MS: "400",
  FLOE_REQUEST_TIMEOUT_MS: "400",
  FLOE_KEEP_ALIVE_TIMEOUT_MS: "400",
  FLOE_IDLE_TIMEOUT_MS: "400",
  FLOE_HEARTBEAT_MS: "150",
};

/** Opens a raw connection, writes `bytes`, and resolves with what came back once the server closes it. */
function closedBy(port: number, bytes: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, "127.0.0.1", () => sock.write(bytes));
    let got = "";
    sock.on("data", (d) => (got += d.toString("latin1")));
    sock.on("close", () => resolve(got));
    // A reset is one way for the server to close; anything else is a failure.
    sock.on("error", (e: NodeJS.ErrnoException) => (e.code === "ECONNRESET" ? undefined : reject(e)));
  });
}

/**
 * Every connection is bounded (here at 400 ms): slow or silent clients are
 * closed, HTTP/1.1 and h2c alike, while long-lived streams keep working.
 */
describe("slow and idle connections", () => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it("closes a partial request header with 408, and connections that say nothing or half a preface", async () => {
    env = await createTestEnv();
    const server = await env.start({ env: TIMEOUTS });
    const [partial, silent, halfPreface] = await Promise.all([
      closedBy(server.port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "),
      closedBy(server.port, ""),
      closedBy(server.port, "PRI * HTTP/2.0\r\n"),
    ]);
    expect(partial).toMatch(/^HTTP\/1\.1 408 /);
    expect(silent).toBe("");
    // Half a preface reaches the HTTP/2 side (which may answer its SETTINGS), and is cut there.
    expect(halfPreface).not.toMatch(/HTTP\/1\.1/);
  });

  it("closes an HTTP/2 session that opens no stream, and one left idle after its streams", async () => {
    env = await createTestEnv();
    const server = await env.start({ env: TIMEOUTS });
    const closed = (s: http2.ClientHttp2Session) => new Promise<void>((r) => s.once("close", () => r()));
    const idle = http2.connect(server.url);
    await closed(idle);
    const used = http2.connect(server.url);
    const req = used.request({ ":method": "GET", ":path": "/health" });
    req.resume();
    await new Promise((r) => req.once("end", r));
    await closed(used);
  });

  it("answers an HTTP/2 request whose body never ends with 408, within the request timeout", async () => {
    env = await createTestEnv();
    const server = await env.start({ env: TIMEOUTS });
    const session = http2.connect(server.url);
    const stuck = Array.from({ length: 20 }, () => {
      const req = session.request({
        ":method": "POST",
        ":path": "/api/v1/conversations/create",
        "content-type": "application/json",
        "content-length": "1000",
      });
      req.write("{");
      return new Promise<number>((resolve) => {
        req.once("response", (h) => resolve(Number(h[":status"])));
        req.once("close", () => resolve(0));
        req.on("error", () => undefined);
      });
    });
    expect(new Set(await Promise.all(stuck))).toEqual(new Set([408]));
    // The session itself stays usable for requests that finish.
    const ok = session.request({ ":method": "GET", ":path": "/health" });
    const status = await new Promise<number>((r) => ok.once("response", (h) => r(Number(h[":status"]))));
    ok.resume();
    expect(status).toBe(200);
    session.close();
  });

  it("keeps server streams, SSE and WebSockets open past every limit", async () => {
    env = await createTestEnv();
    const server = await env.start({ env: TIMEOUTS });
    const chat = createClient(ChatService, createConnectTransport({ baseUrl: server.url, httpVersion: "2" }));
    const done = await chat.sendMessage({ chat: { text: "hello" } });
    for (const httpVersion of ["1.1", "2"] as const) {
      const client = createClient(ChatService, createConnectTransport({ baseUrl: server.url, httpVersion }));
      const started = Date.now();
      let heartbeats = 0;
      for await (const r of client.subscribe({ conversationId: done.conversationId })) {
        if (r.event?.kind.case === "heartbeat") heartbeats++;
        if (Date.now() - started > 1500) break;
      }
      expect(heartbeats, httpVersion).toBeGreaterThanOrEqual(5);
    }
    const ws = await connectWs(`${server.url.replace("http", "ws")}/api/v1/chat/stream`);
    await sleep(1500);
    ws.send({ text: "still here" });
    await ws.until((f) => f.some((x) => x.event === "complete"));
    ws.ws.close();
  });
});

describe("shutdown", () => {
  it("does not wait for a connection that has not said anything: close() cuts it at once, before its 3 s grace", async () => {
    const env = await createTestEnv();
    try {
      const server = await env.start();
      const sock = net.connect(server.port, "127.0.0.1");
      await new Promise((r) => sock.once("connect", r));
      const cut = new Promise<string>((r) => sock.once("close", () => r("cut")));
      sock.on("error", () => undefined);
      const shutdown = server.close();
      // Left to the grace period, the connection would be cut at 3 s with the busy ones.
      expect(await Promise.race([cut, sleep(2_000).then(() => "held until the grace period")])).toBe("cut");
      await shutdown;
    } finally {
      await env.cleanup();
    }
  });

  it("does not wait for an HTTP/2 client that reset a stream and keeps its connection: close() ends at once", async () => {
    const env = await createTestEnv();
    try {
      const server = await env.start();
      const chat = createClient(ChatService, createConnectTransport({ baseUrl: server.url, httpVersion: "2" }));
      // The client stops reading a server stream: it resets the stream and keeps its session.
      for await (const r of chat.subscribe({
        conversationId: (await chat.sendMessage({ chat: { text: "hi" } })).conversationId,
      })) {
        if (r.event) break;
      }
      const shutdown = server.close().then(() => "closed");
      // Left to the grace period, the connection would be cut at 3 s.
      expect(await Promise.race([shutdown, sleep(2_000).then(() => "held until the grace period")])).toBe("closed");
    } finally {
      await env.cleanup();
    }
  });
});
