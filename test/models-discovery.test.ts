import http from "node:http";
import type { AddressInfo } from "node:net";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ModelService } from "../gen/floe/v1/model_pb.js";
import type { FloeServer } from "../src/server/start-server.js";
import { restCall } from "./support/rest.js";
import { createTestEnv, type TestEnv } from "./support/test-server.js";

/** A loopback OpenRouter catalogue: counts its requests and answers `status` (200 serves one model). */
async function startCatalogue() {
  const seen: { authorization: string | undefined }[] = [];
  let status = 200;
  const server = http.createServer((req, res) => {
    if (req.url !== "/api/v1/models") return void res.writeHead(404).end();
    seen.push({ authorization: req.headers.authorization });
    if (status !== 200) {
      res.writeHead(status, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ error: { message: "catalogue is down" } }));
    }
    res.writeHead(200, { "content-type": "application/json" });
    const model = {
      id: "anthropic/claude-3-opus-20240229",
      name: "Claude 3 Opus",
      context_length: 200000,
      top_provider: { max_completion_tokens: 4096 },
      pricing: { prompt: "0.000015", completion: "0.000075" },
    };
    res.end(JSON.stringify({ data: [{ ...model, name: `${model.name} #${seen.length}` }] }));
  });
  await new Promise<void>((f) => server.listen(0, "127.0.0.1", f));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    seen,
    answer: (s: number) => void (status = s),
    close: () =>
      new Promise<void>((f) => {
        server.closeAllConnections();
        server.close(() => f());
      }),
  };
}

describe("model discovery: cached with a time-to-live, clear errors", () => {
  let env: TestEnv | undefined;
  let catalogue: Awaited<ReturnType<typeof startCatalogue>> | undefined;
  afterEach(async () => {
    await env?.cleanup();
    await catalogue?.close();
    env = catalogue = undefined;
  });

  /** A server whose clock is `clock.t`, pointed at the fake catalogue. */
  async function serve(extraEnv: Record<string, string>, clock = { t: 1_000_000 }): Promise<FloeServer> {
    catalogue ??= await startCatalogue();
    env ??= await createTestEnv();
    return env.start({
      clock: () => clock.t,
      env: { FLOE_OPENROUTER_BASE_URL: catalogue.url, FLOE_MODEL_MAX_RETRIES: "0", ...extraEnv },
    });
  }

  const discover = (s: FloeServer) => restCall(s.url, "GET", "/api/v1/models/discover");
  const names = (r: { body?: Record<string, any> }) => r.body!.models.map((m: { name: string }) => m.name);

  it("asks the catalogue once per time-to-live, with the key; after the TTL it asks again", async () => {
    const clock = { t: 1_000_000 };
    const server = await serve({ OPENROUTER_API_KEY: "or-key", FLOE_MODEL_DISCOVERY_TTL_SECONDS: "300" }, clock);
    const first = await discover(server);
    expect(first.status).toBe(200);
    expect(first.body!.models).toEqual([
      {
        id: "anthropic/claude-3-opus-20240229",
        name: "Claude 3 Opus #1",
        provider: "anthropic",
        context_length: 200000,
        max_output_tokens: 4096,
        pricing: { prompt: "0.000015", completion: "0.000075" },
      },
    ]);
    expect(catalogue!.seen).toEqual([{ authorization: "Bearer or-key" }]);
    clock.t += 299_000;
    expect(names(await discover(server))).toEqual(["Claude 3 Opus #1"]);
    const models = createClient(ModelService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    expect((await models.discoverModels({})).models.map((m) => m.name)).toEqual(["Claude 3 Opus #1"]);
    expect(catalogue!.seen).toHaveLength(1);
    clock.t += 2_000;
    expect(names(await discover(server))).toEqual(["Claude 3 Opus #2"]);
    expect(catalogue!.seen).toHaveLength(2);
  });

  it("asks every time with model_discovery_ttl_seconds 0", async () => {
    const server = await serve({ OPENROUTER_API_KEY: "or-key", FLOE_MODEL_DISCOVERY_TTL_SECONDS: "0" });
    await discover(server);
    expect(names(await discover(server))).toEqual(["Claude 3 Opus #2"]);
    expect(catalogue!.seen).toHaveLength(2);
  });

  it("without OPENROUTER_API_KEY: FailedPrecondition (409 on Penguin) naming the variable; the catalogue is not asked", async () => {
    const server = await serve({});
    const res = await discover(server);
    expect(res.status).toBe(409);
    expect(res.body!.detail).toBe(
      "model discovery needs OPENROUTER_API_KEY (or FLOE_OPENROUTER_API_KEY): set it and restart",
    );
    const models = createClient(ModelService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    const err = ConnectError.from(await models.discoverModels({}).catch((e: unknown) => e));
    expect(err.code).toBe(Code.FailedPrecondition);
    expect(err.rawMessage).toContain("OPENROUTER_API_KEY");
    expect(catalogue!.seen).toHaveLength(0);
  });

  it("answers Unavailable (503) when the catalogue fails or is down, caches no failure, and recovers", async () => {
    const server = await serve({ OPENROUTER_API_KEY: "or-key" });
    catalogue!.answer(502);
    const failed = await discover(server);
    expect(failed).toEqual({
      status: 503,
      body: { detail: `the model catalogue at ${catalogue!.url} answered HTTP 502: try again later` },
    });
    catalogue!.answer(401);
    const refused = await discover(server);
    expect(refused.status).toBe(503);
    expect(refused.body!.detail).toContain("check OPENROUTER_API_KEY");
    const models = createClient(ModelService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    const err = ConnectError.from(await models.discoverModels({}).catch((e: unknown) => e));
    expect(err.code).toBe(Code.Unavailable);
    catalogue!.answer(200);
    expect(names(await discover(server))).toEqual(["Claude 3 Opus #4"]);
    expect(catalogue!.seen).toHaveLength(4);

    const url = catalogue!.url;
    await catalogue!.close();
    catalogue = undefined;
    const secondServer = await env!.start({
      env: { FLOE_OPENROUTER_BASE_URL: url, OPENROUTER_API_KEY: "or-key", FLOE_MODEL_MAX_RETRIES: "0" },
    });
    const down = await discover(secondServer);
    expect(down.status).toBe(503);
    expect(down.body!.detail).toMatch(
      new RegExp(`^could not reach the model catalogue at ${url}: .*FLOE_OPENROUTER_BASE_URL`),
    );
  });
});
