import http2 from "node:http2";
import { afterEach, describe, expect, it } from "vitest";
import { type CompatEnv, createCompatEnv } from "./support/compat-env.js";
import { reply } from "./support/fake-openai.js";
import { connectWs, wsHandshake } from "./support/ws-client.js";

/**
 * A page on another site must not drive a local agent. By default only the
 * server's own origin and loopback origins are trusted; `*` opens the REST
 * routes to any page without credentials and never opens the WebSocket.
 */
describe("cross-site requests", () => {
  let c: CompatEnv;
  afterEach(async () => c?.cleanup());

  const preflight = (origin: string) =>
    fetch(`${c.server.url}/api/v1/chat/message`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
  const wsUrl = () => `${c.server.url.replace("http", "ws")}/api/v1/chat/stream`;

  it("trusts only loopback and the server's own origin by default, with credentials", async () => {
    c = await createCompatEnv();
    const evil = await preflight("http://evil.example");
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    expect(evil.headers.get("access-control-allow-credentials")).toBeNull();
    for (const origin of ["http://localhost:5173", "http://127.0.0.1:3000", c.server.url]) {
      const ok = await preflight(origin);
      expect(ok.headers.get("access-control-allow-origin"), origin).toBe(origin);
      expect(ok.headers.get("access-control-allow-credentials"), origin).toBe("true");
    }
  });

  it("refuses a WebSocket from another site, or from a null origin, before it opens: no command runs", async () => {
    c = await createCompatEnv();
    for (const origin of ["http://evil.example", "null"]) {
      const refused = await wsHandshake(wsUrl(), { origin });
      expect(refused.status, origin).toBe(403);
    }
    expect(c.fake.requests).toHaveLength(0);
    c.fake.enqueue(reply.text("local page"));
    const local = await connectWs(wsUrl(), { origin: "http://localhost:5173" });
    local.send({ text: "hello from a local page" });
    await local.until((f) => f.some((x) => x.event === "complete"));
    local.ws.close();
  });

  it("answers * with a public, credential-less CORS header, and still refuses the WebSocket", async () => {
    c = await createCompatEnv({ FLOE_CORS_ORIGINS: "*" });
    const any = await preflight("http://evil.example");
    expect(any.headers.get("access-control-allow-origin")).toBe("*");
    expect(any.headers.get("access-control-allow-credentials")).toBeNull();
    // A trusted origin still gets its own origin back, with credentials: never * with them.
    const local = await preflight("http://localhost:5173");
    expect(local.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(local.headers.get("access-control-allow-credentials")).toBe("true");
    expect((await wsHandshake(wsUrl(), { origin: "http://evil.example" })).status).toBe(403);
  });

  it("opens the WebSocket to a site only when that site is listed", async () => {
    c = await createCompatEnv({ FLOE_CORS_ORIGINS: "https://myapp.example" });
    const listed = await wsHandshake(wsUrl(), { origin: "https://myapp.example" });
    expect(listed.status).toBe(101);
    listed.ws!.close();
    expect((await wsHandshake(wsUrl(), { origin: "https://other.example" })).status).toBe(403);
  });

  it("shows liveness to anyone, and the agent id and version only to callers with a key", async () => {
    c = await createCompatEnv({ FLOE_API_KEYS: "k1" });
    const anonymous = await c.call("GET", "/health");
    expect(anonymous.status).toBe(200);
    expect(anonymous.body).toMatchObject({ status: "ok", agent_id: "", version: "" });
    const keyed = await c.call("GET", "/health", undefined, { authorization: "Bearer k1" });
    expect(keyed.body).toMatchObject({ status: "ok", agent_id: expect.stringContaining("@"), version: /\d+\.\d+/ });
  });

  it("refuses a simple cross-site POST, which needs no preflight, before any route runs", async () => {
    c = await createCompatEnv();
    for (const path of ["/sessions", "/api/v1/conversations/create"]) {
      const res = await fetch(`${c.server.url}${path}`, { method: "POST", headers: { origin: "http://evil.example" } });
      expect(res.status, path).toBe(403);
    }
    expect((await c.call("GET", "/sessions")).body).toEqual([]);
    const local = await fetch(`${c.server.url}/sessions`, {
      method: "POST",
      headers: { origin: "http://localhost:5173" },
    });
    expect(local.status).toBe(200);
  });

  it("matches a listed origin as a browser sends it, whatever case or trailing slash the config used", async () => {
    c = await createCompatEnv({ FLOE_CORS_ORIGINS: "https://App.Example.com/" });
    const listed = await wsHandshake(wsUrl(), { origin: "https://app.example.com" });
    expect(listed.status).toBe(101);
    listed.ws!.close();
  });

  it("refuses a key offered only as a subprotocol the server cannot select, and answers h2 upgrades without a 500", async () => {
    c = await createCompatEnv({ FLOE_API_KEYS: "k1" });
    const keyOnly = await wsHandshake(wsUrl(), {}, [`floe.api-key.${Buffer.from("k1").toString("base64url")}`]);
    expect(keyOnly.status).toBe(400);
    expect(JSON.parse(keyOnly.body).detail).toContain("floe.v1");
    const session = http2.connect(c.server.url);
    const req = session.request({ ":method": "GET", ":path": "/api/v1/chat/stream" });
    const status = await new Promise<number>((r) => req.once("response", (h) => r(Number(h[":status"]))));
    req.resume();
    session.close();
    expect(status).toBe(401);
  });
});
