import { afterEach, describe, expect, it } from "vitest";
import { FLOE_SERVICES } from "../src/services/registry.js";
import { connectJson, createTestEnv, fastPathProbe, NONE, type TestEnv } from "./support/test-server.js";

const CREATE = "floe.v1.ConversationService/CreateConversation";

/**
 * Connect unary calls with bad input: each test also asserts which path
 * answered (Floe's fast path, or connect-fastify for a media type the fast
 * path does not take), so that it fails if the fast path is bypassed.
 */
describe("bad input gets a clear error and the server stays up", () => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  async function stillServes(url: string) {
    const ok = await connectJson(url, "floe.v1.HealthService/GetHealth", {});
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe("ok");
  }

  it("rejects malformed JSON with invalid_argument", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const served = fastPathProbe(server);
    const res = await connectJson(server.url, CREATE, '{"name": "unterminated');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_argument");
    expect(res.body.message).toMatch(/json|parse|unexpected/i);
    expect(served(), "which path answered").toEqual({ ...NONE, unary: 1 });
    await stillServes(server.url);
  });

  it("rejects a wrong content type with 415", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const served = fastPathProbe(server);
    const res = await fetch(`${server.url}/${CREATE}`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "{}",
    });
    expect(res.status).toBe(415);
    expect(served(), "which path answered").toEqual(NONE);
    await stillServes(server.url);
  });

  it("rejects a wrong field type, naming the field", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const served = fastPathProbe(server);
    const res = await connectJson(server.url, CREATE, { name: { nested: true } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_argument");
    expect(res.body.message).toContain("name");
    const unknownField = await connectJson(server.url, CREATE, { nmae: "typo" });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.message).toContain("nmae");
    expect(served(), "which path answered").toEqual({ ...NONE, unary: 2 });
    await stillServes(server.url);
  });

  it("rejects an oversized body with resource_exhausted and stores nothing", async () => {
    env = await createTestEnv();
    const server = await env.start({ overrides: { maxBodyBytes: 1024 } });
    const served = fastPathProbe(server);
    const res = await connectJson(server.url, CREATE, { name: "x".repeat(4096) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe("resource_exhausted");
    const list = await connectJson(server.url, "floe.v1.ConversationService/ListConversations", {});
    expect(list.body.conversations ?? []).toEqual([]);
    expect(served(), "which path answered").toEqual({ ...NONE, rejected: 1, unary: 1 });
    await stillServes(server.url);
  });

  it("answers not_found for an unknown conversation id and invalid_argument for a missing one", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const served = fastPathProbe(server);
    for (const rpc of ["GetConversation", "GetConversationHistory", "DeleteConversation"]) {
      const res = await connectJson(server.url, `floe.v1.ConversationService/${rpc}`, {
        conversation_id: "does-not-exist",
      });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        code: "not_found",
        message: expect.stringContaining('conversation "does-not-exist" not found'),
      });
      const missing = await connectJson(server.url, `floe.v1.ConversationService/${rpc}`, {});
      expect(missing.status).toBe(400);
      expect(missing.body.message).toBe("conversation_id is required");
    }
    const badLimit = await connectJson(server.url, "floe.v1.ConversationService/ListConversations", { limit: -1 });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.message).toContain("limit must be between 1 and 1000");
    expect(served(), "which path answered").toEqual({ ...NONE, unary: 7 });
    await stillServes(server.url);
  });

  it("implements every RPC of the contract: none answers Unimplemented, even to an empty request", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const unimplemented: string[] = [];
    for (const service of FLOE_SERVICES) {
      for (const method of service.methods) {
        const signal = AbortSignal.timeout(3000);
        const res = await fetch(`${server.url}/${service.typeName}/${method.name}`, {
          method: "POST",
          signal,
          headers:
            method.methodKind === "unary"
              ? { "content-type": "application/json" }
              : { "content-type": "application/connect+json" },
          // Streams take one enveloped message: flags 0, a 4-byte length, then "{}".
          body: method.methodKind === "unary" ? "{}" : Buffer.from([0, 0, 0, 0, 2, 0x7b, 0x7d]),
        }).catch(() => undefined);
        // A stream may stay open (heartbeats): its first chunk holds an immediate error.
        const reader = res?.body?.getReader();
        const first = reader ? await reader.read().catch(() => undefined) : undefined;
        await reader?.cancel().catch(() => {});
        const text = first?.value ? Buffer.from(first.value).toString() : "";
        if (res?.status === 501 || text.includes('"unimplemented"'))
          unimplemented.push(`${service.typeName}/${method.name}`);
      }
    }
    expect(unimplemented).toEqual([]);
    await stillServes(server.url);
  });

  it("answers a legacy body over the limit with 413 in each surface's shape, and stores nothing", async () => {
    env = await createTestEnv();
    const server = await env.start({ overrides: { maxBodyBytes: 1024 } });
    const big = JSON.stringify({ text: "x".repeat(4096), message: "x".repeat(4096) });
    const post = async (path: string) => {
      const res = await fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: big,
      });
      return { status: res.status, body: await res.json() };
    };
    const limit = expect.stringContaining("larger than the limit of 1024 bytes");
    expect(await post("/api/v1/chat/message")).toEqual({ status: 413, body: { detail: limit } });
    expect(await post("/chat")).toEqual({ status: 413, body: { error: limit } });
    expect(await post("/api/chat")).toEqual({ status: 413, body: { error: limit } });
    const list = await connectJson(server.url, "floe.v1.ConversationService/ListConversations", {});
    expect(list.body.conversations ?? []).toEqual([]);
    await stillServes(server.url);
  });
});
