import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Code, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { AgentService } from "../gen/floe/v1/agent_pb.js";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { ConversationService } from "../gen/floe/v1/conversation_pb.js";
import type { FloeServer } from "../src/server/start-server.js";
import { type FakeOpenAI, startFakeOpenAI } from "./support/fake-openai.js";
import { postSse } from "./support/sse-client.js";
import { createTestEnv, type TestEnv } from "./support/test-server.js";
import { connectWs } from "./support/ws-client.js";

const KEYS = { reader: "r-key-0001", chatter: "c-key-0002", admin: "a-key-0003" };

describe("API keys with names and scopes, on every surface", () => {
  let env: TestEnv;
  let fake: FakeOpenAI;
  let server: FloeServer;
  afterEach(async () => {
    await env?.cleanup();
    await fake?.close();
  });

  async function start(extraEnv: Record<string, string> = {}) {
    fake = await startFakeOpenAI();
    env = await createTestEnv();
    writeFileSync(
      join(env.workspace, "floe.yaml"),
      [
        "api_keys:",
        `  - { name: ci-reader, key: ${KEYS.reader}, scopes: [read] }`,
        `  - { name: bot, key: ${KEYS.chatter}, scopes: [read, chat] }`,
        `  - { name: ops, key: ${KEYS.admin} }`,
      ].join("\n"),
    );
    server = await env.start({
      env: {
        OPENAI_BASE_URL: fake.url,
        OPENAI_API_KEY: "k",
        FLOE_MODEL: "m",
        FLOE_MODEL_MAX_RETRIES: "0",
        ...extraEnv,
      },
    });
  }
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const connect = (key: string, grpc = false) => {
    const interceptors = [(next: any) => (req: any) => (req.header.set("x-api-key", key), next(req))];
    return grpc
      ? createGrpcTransport({ baseUrl: server.url, interceptors })
      : createConnectTransport({ baseUrl: server.url, httpVersion: "2", interceptors });
  };

  it("answers a missing key with 401 and WWW-Authenticate on Connect, REST and Pawan, and 16 on gRPC", async () => {
    await start();
    const connectRes = await fetch(`${server.url}/floe.v1.ConversationService/ListConversations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(connectRes.status).toBe(401);
    expect(connectRes.headers.get("www-authenticate")).toBe('Bearer realm="floe"');
    expect((await connectRes.json()).code).toBe("unauthenticated");
    for (const path of ["/api/v1/conversations", "/sessions"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="floe"');
    }
    const grpc = createClient(ConversationService, createGrpcTransport({ baseUrl: server.url }));
    await expect(grpc.listConversations({})).rejects.toMatchObject({ code: Code.Unauthenticated });
  });

  it("a read key lists but cannot chat (403 / permission_denied) on Connect, gRPC, REST, WebSocket and SSE", async () => {
    await start();
    expect((await fetch(`${server.url}/api/v1/conversations`, { headers: bearer(KEYS.reader) })).status).toBe(200);
    const conversations = createClient(ConversationService, connect(KEYS.reader));
    await expect(conversations.listConversations({})).resolves.toBeDefined();

    const chat = createClient(ChatService, connect(KEYS.reader));
    await expect(chat.sendMessage({ chat: { text: "hi" } })).rejects.toMatchObject({
      code: Code.PermissionDenied,
      rawMessage: 'API key "ci-reader" may not do this: it needs the chat scope (the key has read)',
    });
    const grpcChat = createClient(ChatService, connect(KEYS.reader, true));
    await expect(grpcChat.sendMessage({ chat: { text: "hi" } })).rejects.toMatchObject({ code: Code.PermissionDenied });
    const rest = await fetch(`${server.url}/api/v1/chat/message`, {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(KEYS.reader) },
      body: JSON.stringify({ text: "hi" }),
    });
    expect(rest.status).toBe(403);
    expect((await rest.json()).detail).toMatch(/needs the chat scope/);
    const sse = await postSse(`${server.url}/chat/stream`, { message: "hi" }, bearer(KEYS.reader));
    expect(sse.res.status).toBe(403);
    const ws = await connectWs(`${server.url.replace("http", "ws")}/api/v1/chat/stream`, bearer(KEYS.reader));
    ws.send({ text: "hi" });
    await ws.until((f) => f.some((x) => x.event === "error"));
    expect(ws.frames.find((x) => x.event === "error")!.data.message).toMatch(/needs the chat scope/);
    ws.ws.close();
    expect(fake.requests).toHaveLength(0);
  });

  it("a chat key runs chats but cannot manage agents; an unscoped key (all scopes) can", async () => {
    await start();
    const chat = createClient(ChatService, connect(KEYS.chatter));
    expect((await chat.sendMessage({ chat: { text: "hi" } })).status).toBe("completed");
    const agentsAsBot = createClient(AgentService, connect(KEYS.chatter));
    await expect(agentsAsBot.createAgent({ id: "x" })).rejects.toMatchObject({ code: Code.PermissionDenied });
    await expect(agentsAsBot.listAgents({})).resolves.toBeDefined();
    const agentsAsOps = createClient(AgentService, connect(KEYS.admin));
    expect((await agentsAsOps.createAgent({ id: "x" })).agent?.id).toBe("x");
    const patch = await fetch(`${server.url}/api/v1/agents/x`, {
      method: "PATCH",
      headers: { "content-type": "application/json", "x-api-key": KEYS.chatter },
      body: JSON.stringify({ paused: true }),
    });
    expect(patch.status).toBe(403);
  });

  it("accepts PENGUIN_API_KEYS as FLOE_API_KEYS, each key with every scope", async () => {
    fake = await startFakeOpenAI();
    env = await createTestEnv();
    server = await env.start({ env: { PENGUIN_API_KEYS: "p1,p2" } });
    expect((await fetch(`${server.url}/api/v1/conversations`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/conversations`, { headers: bearer("p2") })).status).toBe(200);
    const agents = createClient(AgentService, connect("p1"));
    expect((await agents.createAgent({ id: "y" })).agent?.id).toBe("y");
  });
});
