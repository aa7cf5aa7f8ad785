import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { ConversationService } from "../gen/floe/v1/conversation_pb.js";
import { ModelService } from "../gen/floe/v1/model_pb.js";
import { createTestEnv, fastPathProbe, NONE, type TestEnv } from "./support/test-server.js";

/**
 * Unary calls and server streams take Floe's fast path unless they carry a
 * deadline or compression; then connect-fastify serves them. A deadline is
 * how these tests reach the second path. Both must behave the same, and each
 * comparison asserts which path served each call (the server's fast-path
 * counters), so that it fails when the fast path is bypassed.
 */
describe("the fast path and connect-fastify agree", () => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  async function post(url: string, body: string, headers: Record<string, string>) {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
    return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
  }

  it("returns identical Connect JSON for success, errors and bad input", async () => {
    env = await createTestEnv();
    const server = await env.start();
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
      const fast = await post(`${server.url}/${path}`, body, {});
      expect(served(), `fast path served ${path} ${body}`).toEqual({ ...NONE, unary: 1 });
      const slow = await post(`${server.url}/${path}`, body, { "connect-timeout-ms": "10000" });
      expect(served(), `connect-fastify served ${path} ${body}`).toEqual(NONE);
      expect(fast, `${path} ${body}`).toEqual(slow);
    }
  });

  it("applies the auth interceptor on both paths, for Connect and gRPC", async () => {
    env = await createTestEnv();
    const server = await env.start({ env: { FLOE_API_KEYS: "k1,k2" } });
    const served = fastPathProbe(server);
    for (const [name, transport] of [
      ["connect", createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" })],
      ["grpc", createGrpcTransport({ baseUrl: server.url })],
    ] as const) {
      const client = createClient(ModelService, transport);
      for (const timeoutMs of [undefined, 10_000]) {
        const route = timeoutMs ? NONE : { ...NONE, [name === "connect" ? "unary" : "grpc"]: 3 };
        const denied = await client.getCurrentModel({}, { timeoutMs }).catch((e: unknown) => ConnectError.from(e));
        expect(denied, `${name} timeout=${timeoutMs}`).toBeInstanceOf(ConnectError);
        expect((denied as ConnectError).code).toBe(Code.Unauthenticated);
        const ok = await client.getCurrentModel({}, { timeoutMs, headers: { authorization: "Bearer k2" } });
        expect(ok.id).toBe("offline");
        const viaHeader = await client.getCurrentModel({}, { timeoutMs, headers: { "x-api-key": "k1" } });
        expect(viaHeader.id).toBe("offline");
        expect(served(), `${name} timeout=${timeoutMs}`).toEqual(route);
      }
    }
  });

  it("answers gRPC unary errors with the right status on both paths", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const served = fastPathProbe(server);
    const client = createClient(ConversationService, createGrpcTransport({ baseUrl: server.url }));
    for (const timeoutMs of [undefined, 10_000]) {
      const err = await client
        .getConversation({ conversationId: "nope" }, { timeoutMs })
        .catch((e: unknown) => ConnectError.from(e));
      expect(served()).toEqual(timeoutMs ? NONE : { ...NONE, grpc: 1 });
      expect((err as ConnectError).code).toBe(Code.NotFound);
      expect((err as ConnectError).rawMessage).toBe(
        'conversation "nope" not found: list conversations with ConversationService.ListConversations',
      );
    }
  });

  it("serves Connect server streams alike on both paths, errors included", async () => {
    env = await createTestEnv();
    const server = await env.start({ env: { FLOE_HEARTBEAT_MS: "100" } });
    const served = fastPathProbe(server);
    for (const useBinaryFormat of [true, false]) {
      const chat = createClient(
        ChatService,
        createConnectTransport({ baseUrl: server.url, httpVersion: "1.1", useBinaryFormat }),
      );
      const done = await chat.sendMessage({ chat: { text: "hello offline" } });
      expect(served()).toEqual({ ...NONE, unary: 1 });
      const read = async (timeoutMs?: number) => {
        const kinds: string[] = [];
        for await (const r of chat.subscribe({ conversationId: done.conversationId }, { timeoutMs })) {
          kinds.push(r.event!.kind.case ?? "");
          if (r.event!.kind.case === "heartbeat") break;
        }
        return kinds;
      };
      const fast = await read();
      expect(served()).toEqual({ ...NONE, stream: 1 });
      const slow = await read(10_000);
      expect(served()).toEqual(NONE);
      expect(fast).toEqual(slow);
      expect(fast[0]).toBe("snapshot");
      expect(fast).toContain("complete");
      for (const timeoutMs of [undefined, 10_000]) {
        const err = await (async () => {
          for await (const _ of chat.subscribe({ conversationId: "missing" }, { timeoutMs })) void _;
        })().catch((e: unknown) => ConnectError.from(e));
        expect((err as ConnectError).code).toBe(Code.NotFound);
        expect(served()).toEqual(timeoutMs ? NONE : { ...NONE, stream: 1 });
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
    const chat = createClient(ChatService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    const failure = async (timeoutMs?: number) => {
      const err = await (async () => {
        for await (const _ of chat.subscribe({ conversationId: "some-id" }, { timeoutMs })) void _;
      })().catch((e: unknown) => ConnectError.from(e));
      return { code: (err as ConnectError).code, message: (err as ConnectError).rawMessage };
    };
    const fast = await failure();
    expect(served()).toEqual({ ...NONE, stream: 1 });
    const slow = await failure(10_000);
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
    const missing = await post(`${server.url}/floe.v1.ConversationService/GetConversation`, "{}", {});
    expect(missing.status).toBe(400);
    expect(served()).toEqual(NONE);
  });
});
