import { afterEach, describe, expect, it } from "vitest";
import { type CompatEnv, createCompatEnv } from "./support/compat-env.js";
import { reply } from "./support/fake-openai.js";
import { postSse as sse } from "./support/sse-client.js";
import { connectWs as connect, wsHandshake } from "./support/ws-client.js";

const KEYS = { FLOE_API_KEYS: "k1,k2" };
const KEY_MESSAGE = /API key/;

describe("API-key auth on the legacy surfaces", () => {
  let c: CompatEnv;
  afterEach(async () => c?.cleanup());

  it("Penguin REST refuses calls without a valid key with 401 {detail} and runs nothing", async () => {
    c = await createCompatEnv(KEYS);
    const list = await c.call("GET", "/api/v1/conversations");
    expect(list.status).toBe(401);
    expect(list.headers.get("content-type")).toMatch(/^application\/json/);
    expect(list.body).toEqual({ detail: expect.stringMatching(KEY_MESSAGE) });

    const chat = await c.call("POST", "/api/v1/chat/message", { text: "hi" });
    expect(chat.status).toBe(401);
    expect(chat.body).toEqual({ detail: expect.stringMatching(KEY_MESSAGE) });

    const wrongBearer = await c.call("GET", "/api/v1/conversations", undefined, { authorization: "Bearer nope" });
    expect(wrongBearer.status).toBe(401);
    expect(wrongBearer.body.detail).toMatch(KEY_MESSAGE);
    const wrongHeader = await c.call("POST", "/api/v1/chat/message", { text: "hi" }, { "x-api-key": "k3" });
    expect(wrongHeader.status).toBe(401);
    expect(wrongHeader.body.detail).toMatch(KEY_MESSAGE);

    expect(c.fake.requests.length).toBe(0);
    // Nothing was stored either: the refused chats created no conversation.
    const empty = await c.call("GET", "/api/v1/conversations", undefined, { authorization: "Bearer k2" });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ conversations: [] });
  });

  it("Penguin REST serves calls with a key as Authorization: Bearer or X-API-Key", async () => {
    c = await createCompatEnv(KEYS);
    c.fake.enqueue(reply.text("bearer reply"), reply.text("header reply"));
    const viaBearer = await c.call("POST", "/api/v1/chat/message", { text: "hi" }, { authorization: "Bearer k2" });
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body.response).toBe("bearer reply");
    const viaHeader = await c.call("POST", "/api/v1/chat/message", { text: "hi" }, { "x-api-key": "k1" });
    expect(viaHeader.status).toBe(200);
    expect(viaHeader.body.response).toBe("header reply");
    expect(c.fake.requests.length).toBe(2);

    const list = await c.call("GET", "/api/v1/conversations", undefined, { "x-api-key": "k1" });
    expect(list.status).toBe(200);
    expect(list.body.conversations).toHaveLength(2);
    const listBearer = await c.call("GET", "/api/v1/conversations", undefined, { authorization: "Bearer k2" });
    expect(listBearer.status).toBe(200);
    expect(listBearer.body.conversations).toHaveLength(2);
  });

  it("Penguin WebSocket refuses the handshake without a valid key, and streams with one", async () => {
    c = await createCompatEnv(KEYS);
    const url = `${c.server.url.replace("http", "ws")}/api/v1/chat/stream`;
    for (const [headers, protocols, why] of [
      [{}, [], "no key"],
      [{ authorization: "Bearer k3" }, [], "a wrong key"],
      [{}, ["floe.v1", `floe.api-key.${Buffer.from("k3").toString("base64url")}`], "a wrong key as subprotocol"],
    ] as const) {
      const refused = await wsHandshake(url, headers, [...protocols]);
      expect(refused.status, why).toBe(401);
      expect(JSON.parse(refused.body).detail, why).toMatch(KEY_MESSAGE);
    }
    // Never in the query string: it would land in logs and history.
    expect((await wsHandshake(`${url}?api_key=k1`)).status).toBe(401);
    expect(c.fake.requests.length).toBe(0);
    // A browser offers the key as a subprotocol; the server selects floe.v1, never the key.
    const viaProtocol = await wsHandshake(url, {}, [
      "floe.v1",
      `floe.api-key.${Buffer.from("k2").toString("base64url")}`,
    ]);
    expect(viaProtocol).toMatchObject({ status: 101, protocol: "floe.v1" });
    viaProtocol.ws!.close();

    c.fake.enqueue(reply.text("streamed answer"));
    const authed = await connect(url, { authorization: "Bearer k1" });
    authed.send({ text: "hi" });
    await authed.until((f) => f.some((x) => x.event === "complete" || x.event === "error"));
    const kinds = authed.frames.map((f) => f.event);
    expect(kinds[0]).toBe("start");
    expect(kinds.at(-1)).toBe("complete");
    expect(kinds).not.toContain("error");
    expect(authed.frames.at(-1)!.data.response).toBe("streamed answer");
    expect(
      authed.frames
        .filter((f) => f.event === "token")
        .map((f) => f.data.token)
        .join(""),
    ).toBe("streamed answer");
    expect(c.fake.requests.length).toBe(1);
    authed.ws.close();
  });

  it("Pawan REST refuses calls without a valid key with 401 {error}, at the root and under /api", async () => {
    c = await createCompatEnv(KEYS);
    for (const prefix of ["", "/api"]) {
      const chat = await c.call("POST", `${prefix}/chat`, { message: "hi" });
      expect(chat.status, `${prefix}/chat`).toBe(401);
      expect(chat.headers.get("content-type")).toMatch(/^application\/json/);
      expect(chat.body).toEqual({ error: expect.stringMatching(KEY_MESSAGE) });
      const sessions = await c.call("GET", `${prefix}/sessions`);
      expect(sessions.status, `${prefix}/sessions`).toBe(401);
      expect(sessions.body).toEqual({ error: expect.stringMatching(KEY_MESSAGE) });
      const created = await c.call("POST", `${prefix}/sessions`);
      expect(created.status, `POST ${prefix}/sessions`).toBe(401);
      expect(created.body).toEqual({ error: expect.stringMatching(KEY_MESSAGE) });
      const wrong = await c.call("GET", `${prefix}/sessions`, undefined, { "x-api-key": "K1" });
      expect(wrong.status, `${prefix}/sessions wrong key`).toBe(401);
      expect(wrong.body.error).toMatch(KEY_MESSAGE);
    }
    expect(c.fake.requests.length).toBe(0);
    const none = await c.call("GET", "/sessions", undefined, { authorization: "Bearer k1" });
    expect(none).toMatchObject({ status: 200, body: [] });
  });

  it("Pawan REST serves calls with a key, at the root and under /api", async () => {
    c = await createCompatEnv(KEYS);
    c.fake.enqueue(reply.text("root reply"), reply.text("api reply"));
    const root = await c.call("POST", "/chat", { message: "hi" }, { authorization: "Bearer k1" });
    expect(root.status).toBe(200);
    expect(root.body).toMatchObject({ content: "root reply", session_id: expect.any(String) });
    const api = await c.call("POST", "/api/chat", { message: "hi" }, { "x-api-key": "k2" });
    expect(api.status).toBe(200);
    expect(api.body).toMatchObject({ content: "api reply", session_id: expect.any(String) });
    expect(c.fake.requests.length).toBe(2);

    for (const [path, headers] of [
      ["/sessions", { authorization: "Bearer k2" }],
      ["/api/sessions", { "x-api-key": "k1" }],
    ] as const) {
      const sessions = await c.call("GET", path, undefined, headers);
      expect(sessions.status, path).toBe(200);
      expect(sessions.body.map((s: { id: string }) => s.id).sort()).toEqual(
        [root.body.session_id, api.body.session_id].sort(),
      );
    }
  });

  it("Pawan SSE /chat/stream refuses a call without a key with a 401 JSON error, not an event stream", async () => {
    c = await createCompatEnv(KEYS);
    for (const prefix of ["", "/api"]) {
      const anon = await sse(`${c.server.url}${prefix}/chat/stream`, { message: "hi" });
      expect(anon.res.status, prefix).toBe(401);
      expect(anon.res.headers.get("content-type")).toMatch(/^application\/json/);
      expect(anon.events).toEqual([]);
      expect(JSON.parse(anon.text)).toEqual({ error: expect.stringMatching(KEY_MESSAGE) });
      const wrong = await sse(`${c.server.url}${prefix}/chat/stream`, { message: "hi" }, { "x-api-key": "nope" });
      expect(wrong.res.status, prefix).toBe(401);
      expect(JSON.parse(wrong.text).error).toMatch(KEY_MESSAGE);
    }
    expect(c.fake.requests.length).toBe(0);

    c.fake.enqueue(reply.text("sse reply"));
    const authed = await sse(`${c.server.url}/chat/stream`, { message: "hi" }, { authorization: "Bearer k2" });
    expect(authed.res.status).toBe(200);
    expect(authed.res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const names = authed.events.map((e) => e.event);
    expect(names).toContain("token");
    expect(names.at(-1)).toBe("done");
    expect(names).not.toContain("error");
    expect(JSON.parse(authed.events.at(-1)!.data)).toMatchObject({ content: "sse reply" });
    expect(c.fake.requests.length).toBe(1);
  });

  it("Pawan /health stays open without a key while other info routes need one", async () => {
    c = await createCompatEnv(KEYS);
    for (const prefix of ["", "/api"]) {
      const health = await c.call("GET", `${prefix}/health`);
      expect(health.status, `${prefix}/health`).toBe(200);
      expect(health.body).toMatchObject({ status: "ok" });
      const models = await c.call("GET", `${prefix}/models`);
      expect(models.status, `${prefix}/models`).toBe(401);
      expect(models.body).toEqual({ error: expect.stringMatching(KEY_MESSAGE) });
    }
  });
});
