import { TaskState, type Task } from "@a2a-js/sdk";
import {
  ClientFactory,
  ClientFactoryOptions,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
} from "@a2a-js/sdk/client";
import { afterEach, describe, expect, it } from "vitest";
import { rpc, sendRequest } from "./support/a2a-env.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";

const V1 = { "a2a-version": "1.0" };
const KEY = "a2a-test-key";

/** A client factory whose requests carry `headers` (the SDK's fetchImpl hook). */
function factoryWith(headers: Record<string, string>): ClientFactory {
  const fetchImpl: typeof fetch = (input, init) =>
    fetch(input, { ...init, headers: { ...headers, ...(init?.headers as object) } });
  return new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl })],
      cardResolver: new DefaultAgentCardResolver({ fetchImpl }),
    }),
  );
}

describe("A2A bad input and auth", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  it("answers bad JSON-RPC with the protocol's error objects, and keeps serving", async () => {
    c = await createChatEnv();
    const url = `${c.server.url}/a2a`;
    const cases: [unknown, Record<string, string>, number][] = [
      ["{not json", V1, -32700],
      ["[1, 2]", V1, -32600],
      [{ jsonrpc: "1.0", id: 1, method: "GetTask" }, V1, -32600],
      [{ jsonrpc: "2.0", id: 1, method: "NoSuchMethod", params: {} }, V1, -32601],
      [{ jsonrpc: "2.0", id: 1, method: "GetTask", params: "x" }, V1, -32602],
      [{ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "no-such-run" } }, V1, -32001],
      [{ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "" } }, V1, -32602],
      [{ jsonrpc: "2.0", id: 1, method: "tasks/get", params: { id: "no-such-run" } }, {}, -32001],
      [{ jsonrpc: "2.0", id: 1, method: "message/nope", params: {} }, {}, -32601],
      [{ jsonrpc: "2.0", id: 1, method: "ListTasks", params: {} }, V1, -32004],
      [
        { jsonrpc: "2.0", id: 1, method: "CreateTaskPushNotificationConfig", params: { taskId: "t", url: "http://x" } },
        V1,
        -32003,
      ],
      [{ jsonrpc: "2.0", id: 1, method: "GetTask", params: { id: "x" } }, { "a2a-version": "9.9" }, -32009],
    ];
    for (const [body, headers, code] of cases) {
      const res = await rpc(url, body, headers);
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(res.body, JSON.stringify(body)).toMatchObject({
        jsonrpc: "2.0",
        error: { code, message: expect.any(String) },
      });
    }
    // A message without text (raw bytes only), or with a bad context id, is refused before any run starts.
    const rawOnly = {
      messageId: "m1",
      role: "ROLE_USER",
      parts: [{ raw: "aGk=", mediaType: "application/octet-stream" }],
    };
    const parts = await rpc(url, { jsonrpc: "2.0", id: 9, method: "SendMessage", params: { message: rawOnly } }, V1);
    expect(parts.body).toMatchObject({ id: 9, error: { code: -32602, message: expect.stringMatching(/text part/) } });
    const bad = { messageId: "m2", role: "ROLE_USER", parts: [{ text: "hi" }], contextId: "bad id!" };
    const badContext = await rpc(url, { jsonrpc: "2.0", id: 10, method: "SendMessage", params: { message: bad } }, V1);
    expect(badContext.body).toMatchObject({
      id: 10,
      error: { code: -32602, message: expect.stringMatching(/not a valid id/) },
    });
    expect(c.fake.requests).toHaveLength(0);
    // The SDK client surfaces them as errors, and the server still answers.
    const client = await new ClientFactory().createFromUrl(c.server.url);
    await expect(client.getTask({ tenant: "", id: "no-such-run", historyLength: undefined })).rejects.toThrow(
      /not found/,
    );
    c.fake.enqueue(reply.text("still here"));
    const task = (await client.sendMessage(sendRequest("ping"))) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it("with API keys, the card is public but thin and names the schemes; the endpoint refuses a call without the key", async () => {
    c = await createChatEnv({ env: { FLOE_API_KEYS: KEY } });
    const anonymous = await new ClientFactory().createFromUrl(c.server.url);
    const thin = await new DefaultAgentCardResolver().resolve(c.server.url);
    expect(thin.skills).toEqual([]);
    expect(Object.keys(thin.securitySchemes)).toEqual(["bearer", "apiKey"]);
    expect(thin.securitySchemes.bearer!.scheme).toMatchObject({
      $case: "httpAuthSecurityScheme",
      value: { scheme: "Bearer" },
    });
    expect(thin.securitySchemes.apiKey!.scheme).toMatchObject({
      $case: "apiKeySecurityScheme",
      value: { name: "X-API-Key", location: "header" },
    });
    expect(thin.capabilities?.extendedAgentCard).toBe(true);
    await expect(anonymous.sendMessage(sendRequest("hi"))).rejects.toThrow();
    // The extended card is for callers with a key.
    await expect(anonymous.getAgentCard()).rejects.toThrow(/API key/);
    const raw = await rpc(`${c.server.url}/a2a`, { jsonrpc: "2.0", id: 4, method: "GetTask", params: { id: "x" } }, V1);
    expect(raw.status).toBe(401);
    expect(raw.headers.get("www-authenticate")).toBe('Bearer realm="floe"');
    expect(raw.body).toMatchObject({
      jsonrpc: "2.0",
      id: 4,
      error: { code: -32600, message: expect.stringMatching(/API key/) },
    });
    const wrong = await rpc(
      `${c.server.url}/a2a`,
      { jsonrpc: "2.0", id: 5, method: "GetTask", params: { id: "x" } },
      { ...V1, authorization: "Bearer nope" },
    );
    expect(wrong.status).toBe(401);
    expect(c.fake.requests).toHaveLength(0);

    // With the key: the full card, and the calls go through.
    const keyed = await factoryWith({ authorization: `Bearer ${KEY}` }).createFromUrl(c.server.url);
    expect((await keyed.getAgentCard()).skills.length).toBeGreaterThan(0);
    c.fake.enqueue(reply.text("authorized"));
    const task = (await keyed.sendMessage(sendRequest("hi"))) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const viaHeader = await factoryWith({ "x-api-key": KEY }).createFromUrl(c.server.url);
    expect((await viaHeader.getTask({ tenant: "", id: task.id, historyLength: undefined })).id).toBe(task.id);
  });

  it("refuses a page from another site, before any run starts", async () => {
    c = await createChatEnv();
    const body = {
      jsonrpc: "2.0",
      id: 1,
      method: "SendMessage",
      params: { message: { messageId: "m", role: "ROLE_USER", parts: [{ text: "hi" }] } },
    };
    const res = await rpc(`${c.server.url}/a2a`, body, { ...V1, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(c.fake.requests).toHaveLength(0);
    const local = await rpc(`${c.server.url}/a2a`, body, { ...V1, origin: c.server.url });
    expect(local.body.result).toBeDefined();
  });

  it("answers a body over the limit with 413 and a JSON-RPC error, and starts no run", async () => {
    c = await createChatEnv({ start: { overrides: { maxBodyBytes: 1024 } } });
    const text = "x".repeat(4096);
    const body = {
      jsonrpc: "2.0",
      id: 1,
      method: "SendMessage",
      params: { message: { messageId: "m", role: "ROLE_USER", parts: [{ text }] } },
    };
    const res = await rpc(`${c.server.url}/a2a`, body, V1);
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600, message: expect.any(String) } });
    expect(c.fake.requests).toHaveLength(0);
  });

  it("applies the key's scopes: a read-only key may read a task but not start one", async () => {
    const apiKeys = [
      { name: "reader", key: "read-key", scopes: ["read" as const] },
      { name: "writer", key: KEY, scopes: ["read" as const, "chat" as const] },
    ];
    c = await createChatEnv({ start: { overrides: { apiKeys } } });
    const reader = await factoryWith({ authorization: "Bearer read-key" }).createFromUrl(c.server.url);
    await expect(reader.sendMessage(sendRequest("hi"))).rejects.toThrow(/needs the chat scope/);
    expect(c.fake.requests).toHaveLength(0);
    c.fake.enqueue(reply.text("written"));
    const writer = await factoryWith({ authorization: `Bearer ${KEY}` }).createFromUrl(c.server.url);
    const task = (await writer.sendMessage(sendRequest("hi"))) as Task;
    expect((await reader.getTask({ tenant: "", id: task.id, historyLength: undefined })).status?.state).toBe(
      TaskState.TASK_STATE_COMPLETED,
    );
    await expect(reader.cancelTask({ tenant: "", id: task.id, metadata: undefined })).rejects.toThrow(/already ended/);
  });
});
