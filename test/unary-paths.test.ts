import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { gzipSync } from "node:zlib";
import { compressionGzip, createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { ConversationService } from "../gen/floe/v1/conversation_pb.js";
import { ModelService } from "../gen/floe/v1/model_pb.js";
import { createTestEnv, fastPathProbe, NONE, type TestEnv } from "./support/test-server.js";

/**
 * Unary calls (compressed or not) and uncompressed server streams take Floe's
 * fast path; a server started with `fastPath: false`, and compressed
 * streams, reach connect-fastify. Both must behave the same, and each
 * comparison asserts which path served each call (the server's fast-path
 * counters), so that it fails when the fast path is bypassed.
 */
/** Client options that compress every request: compressed server streams take connect-fastify's routes. */
const COMPRESSED = { sendCompression: compressionGzip, compressMinBytes: 0 };

describe("the fast path and connect-fastify agree", () => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  /** A Connect JSON call with fetch; `gzip` compresses the body, which sends it to connect-fastify. */
  async function post(url: string, body: string, opts: { gzip?: boolean } = {}) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (opts.gzip) headers["content-encoding"] = "gzip";
    const res = await fetch(url, { method: "POST", headers, body: opts.gzip ? gzipSync(body) : body });
    return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
  }

  it("returns identical Connect JSON for success, errors and bad input", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const universal = await env.start({ fastPath: false });
    const served = fastPathProbe(server);
    const cases: [string, string][] = [
      ["floe.v1.ModelService/GetCurrentModel", "{}"],
      ["floe.v1.ConversationService/GetConversation", '{"conversation_id":"nope"}'],
      ["floe.v1.ConversationService/GetConversation", "{}"],
      ["floe.v1.ConversationService/GetConversation", '{"conversation_id": 7'],
      ["floe.v1.ConversationService/GetConversation", '{"bogus": 1}'],
      ["floe.v1.ChatService/CancelRun", "{}"],
    ];
    for (const [path, body] of cases) {
      for (const gzip of [false, true]) {
        const fast = await post(`${server.url}/${path}`, body, { gzip });
        expect(served(), `fast path served ${path} ${body} gzip=${gzip}`).toEqual({ ...NONE, unary: 1 });
        const slow = await post(`${universal.url}/${path}`, body, { gzip });
        expect(fast, `${path} ${body} gzip=${gzip}`).toEqual(slow);
      }
    }
    expect(universal.fastPath.snapshot()).toMatchObject(NONE);
  });

  it("applies the auth interceptor on both paths, for Connect and gRPC", async () => {
    env = await createTestEnv();
    const server = await env.start({ env: { FLOE_API_KEYS: "k1,k2" } });
    const universal = await env.start({ env: { FLOE_API_KEYS: "k1,k2" }, fastPath: false });
    const served = fastPathProbe(server);
    for (const name of ["connect", "grpc"] as const) {
      for (const [target, route] of [
        [server, { ...NONE, [name === "connect" ? "unary" : "grpc"]: 3 }],
        [universal, NONE],
      ] as const) {
        const opts = { baseUrl: target.url };
        const transport =
          name === "connect" ? createConnectTransport({ ...opts, httpVersion: "1.1" }) : createGrpcTransport(opts);
        const client = createClient(ModelService, transport);
        const denied = await client.getCurrentModel({}).catch((e: unknown) => ConnectError.from(e));
        expect(denied, `${name} ${target.url}`).toBeInstanceOf(ConnectError);
        expect((denied as ConnectError).code).toBe(Code.Unauthenticated);
        const ok = await client.getCurrentModel({}, { headers: { authorization: "Bearer k2" } });
        expect(ok.id).toBe("offline");
        const viaHeader = await client.getCurrentModel({}, { headers: { "x-api-key": "k1" } });
        expect(viaHeader.id).toBe("offline");
        expect(served(), `${name} ${target.url}`).toEqual(route);
      }
    }
    expect(universal.fastPath.snapshot()).toMatchObject(NONE);
  });

  it("answers gRPC unary errors with the right status on both paths, compressed or not", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const universal = await env.start({ fastPath: false });
    const served = fastPathProbe(server);
    for (const [target, route] of [
      [server, { ...NONE, grpc: 1 }],
      [universal, NONE],
    ] as const) {
      for (const compressed of [false, true]) {
        const transport = createGrpcTransport({ baseUrl: target.url, ...(compressed ? COMPRESSED : {}) });
        const client = createClient(ConversationService, transport);
        const err = await client
          .getConversation({ conversationId: "nope" })
          .catch((e: unknown) => ConnectError.from(e));
        expect(served()).toEqual(route);
        expect((err as ConnectError).code).toBe(Code.NotFound);
        expect((err as ConnectError).rawMessage).toBe(
          'conversation "nope" not found: list conversations with ConversationService.ListConversations',
        );
      }
    }
  });

  it("serves Connect server streams alike on both paths, errors included", async () => {
    env = await createTestEnv();
    const server = await env.start({ env: { FLOE_HEARTBEAT_MS: "100" } });
    const served = fastPathProbe(server);
    for (const useBinaryFormat of [true, false]) {
      const transport = (compressed: boolean) =>
        createConnectTransport({
          baseUrl: server.url,
          httpVersion: "1.1",
          useBinaryFormat,
          ...(compressed ? COMPRESSED : {}),
        });
      const chat = createClient(ChatService, transport(false));
      const slowChat = createClient(ChatService, transport(true));
      const done = await chat.sendMessage({ chat: { text: "hello offline" } });
      expect(served()).toEqual({ ...NONE, unary: 1 });
      const read = async (compressed = false) => {
        const kinds: string[] = [];
        const client = compressed ? slowChat : chat;
        for await (const r of client.subscribe({ conversationId: done.conversationId })) {
          kinds.push(r.event!.kind.case ?? "");
          if (r.event!.kind.case === "heartbeat") break;
        }
        return kinds;
      };
      const fast = await read();
      expect(served()).toEqual({ ...NONE, stream: 1 });
      const slow = await read(true);
      expect(served()).toEqual(NONE);
      expect(fast).toEqual(slow);
      expect(fast[0]).toBe("snapshot");
      expect(fast).toContain("complete");
      for (const compressed of [false, true]) {
        const client = compressed ? slowChat : chat;
        const err = await (async () => {
          for await (const _ of client.subscribe({ conversationId: "missing" })) void _;
        })().catch((e: unknown) => ConnectError.from(e));
        expect((err as ConnectError).code).toBe(Code.NotFound);
        expect(served()).toEqual(compressed ? NONE : { ...NONE, stream: 1 });
      }
    }
  });

  it("answers a failure inside a stream as internal on both paths, logged rather than raw", async () => {
    env = await createTestEnv();
    const logged: string[] = [];
    const server = await env.start({ logStream: { write: (l) => void logged.push(l) } });
    const served = fastPathProbe(server);
    const conversations = server.app.conversations;
    // A storage fault, as a driver raises it: a plain Error, not a ConnectError.
    conversations.get = async () => {
      throw new Error("storage is unreachable");
    };
    const failure = async (compressed = false) => {
      const transport = createConnectTransport({
        baseUrl: server.url,
        httpVersion: "1.1",
        ...(compressed ? COMPRESSED : {}),
      });
      const chat = createClient(ChatService, transport);
      const err = await (async () => {
        for await (const _ of chat.subscribe({ conversationId: "some-id" })) void _;
      })().catch((e: unknown) => ConnectError.from(e));
      return { code: (err as ConnectError).code, message: (err as ConnectError).rawMessage };
    };
    const fast = await failure();
    expect(served()).toEqual({ ...NONE, stream: 1 });
    const slow = await failure(true);
    expect(served()).toEqual(NONE);
    expect(fast).toEqual({
      code: Code.Internal,
      message: "internal error in floe.v1.ChatService/Subscribe: storage is unreachable",
    });
    expect(slow).toEqual(fast);
    // Both failures were logged through the server's logger, with the stack, at error level.
    const failures = logged.map((l) => JSON.parse(l)).filter((l) => l.msg === "rpc failed");
    expect(failures.map((l) => [l.level, l.rpc, l.err.message])).toEqual([
      [50, "floe.v1.ChatService/Subscribe", "storage is unreachable"],
      [50, "floe.v1.ChatService/Subscribe", "storage is unreachable"],
    ]);
  });

  it("serves every call through connect-fastify, alike, when the fast path is off", async () => {
    env = await createTestEnv();
    const server = await env.start({ fastPath: false });
    const served = fastPathProbe(server);
    const models = createClient(ModelService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    expect((await models.getCurrentModel({})).id).toBe("offline");
    const grpc = createClient(ModelService, createGrpcTransport({ baseUrl: server.url }));
    expect((await grpc.getCurrentModel({})).id).toBe("offline");
    const missing = await post(`${server.url}/floe.v1.ConversationService/GetConversation`, "{}");
    expect(missing.status).toBe(400);
    expect(served()).toEqual(NONE);
  });
});
