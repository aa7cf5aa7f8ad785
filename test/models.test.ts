import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ModelService } from "../gen/floe/v1/model_pb.js";
import type { FloeServer, StartOptions } from "../src/server/start-server.js";
import { type FakeOpenAI, startFakeOpenAI } from "./support/fake-openai.js";
import { restCall } from "./support/rest.js";
import { createTestEnv, DIALECTS, type DialectUnderTest, type TestEnv } from "./support/test-server.js";

const GPT4 = "openai/gpt-4";
const CLAUDE = "anthropic/claude-3-sonnet-20240229";

/** floe.yaml with two models on the fake upstream and one configured agent. */
function writeConfig(workspace: string, fakeUrl: string, opts: { defaultModel?: string; withClaude?: boolean } = {}) {
  const lines = [
    `default_model: ${opts.defaultModel ?? "gpt-4"}`,
    "models:",
    "  - id: gpt-4",
    `    name: ${GPT4}`,
    `    base_url: ${fakeUrl}`,
    "  - id: local",
    "    name: local/llama",
    `    base_url: ${fakeUrl}`,
  ];
  if (opts.withClaude !== false)
    lines.push("  - id: claude-3-sonnet", `    name: ${CLAUDE}`, "    provider: anthropic", `    base_url: ${fakeUrl}`);
  lines.push("agents:", "  - id: code-expert", "    system_prompt: You are a code expert.");
  writeFileSync(join(workspace, "floe.yaml"), lines.join("\n"));
}

describe("model switching: global and per agent, stored across restarts", () => {
  let env: TestEnv | undefined;
  let fake: FakeOpenAI | undefined;
  afterEach(async () => {
    await env?.cleanup();
    await fake?.close();
    env = fake = undefined;
  });

  async function setUp(dialect: DialectUnderTest) {
    fake = await startFakeOpenAI();
    env = await createTestEnv(dialect);
    writeConfig(env.workspace, fake.url);
    return { env, fake };
  }

  const start = (e: TestEnv, extra: StartOptions = {}) =>
    e.start({ ...extra, env: { FLOE_MODEL_MAX_RETRIES: "0", ...extra.env } });

  /** The upstream model name of the last model request, after a Penguin chat. */
  async function chatModel(server: FloeServer, f: FakeOpenAI, agentId = ""): Promise<string> {
    const res = await restCall(server.url, "POST", "/api/v1/chat/message", { text: "hi", agent_id: agentId });
    expect(res.status).toBe(200);
    return f.requests.at(-1)!.model as string;
  }

  for (const dialect of DIALECTS) {
    it(`keeps the model switched with models/load across a restart (${dialect})`, async () => {
      const { env: e, fake: f } = await setUp(dialect);
      let server = await start(e);
      expect(await chatModel(server, f)).toBe(GPT4);
      const load = await restCall(server.url, "POST", "/api/v1/models/load", { model_id: "claude-3-sonnet" });
      expect(load).toMatchObject({ status: 200, body: { model_id: "claude-3-sonnet", current_model: CLAUDE } });
      expect(await chatModel(server, f)).toBe(CLAUDE);
      await server.close();

      server = await start(e);
      const current = await restCall(server.url, "GET", "/api/v1/models/current");
      expect(current.body).toMatchObject({ id: "claude-3-sonnet", model: CLAUDE });
      const listed = await restCall(server.url, "GET", "/api/v1/models");
      expect(
        listed.body!.models.filter((m: { current: boolean }) => m.current).map((m: { id: string }) => m.id),
      ).toEqual(["claude-3-sonnet"]);
      expect(await chatModel(server, f)).toBe(CLAUDE);
      // A second switch replaces the stored one.
      await restCall(server.url, "POST", "/api/v1/models/load", { model_id: "local" });
      await server.close();
      server = await start(e);
      expect(await chatModel(server, f)).toBe("local/llama");
    });
  }

  it("falls back to the default, with a warning, when the stored model is no longer configured", async () => {
    const { env: e, fake: f } = await setUp("sqlite");
    let server = await start(e);
    await restCall(server.url, "POST", "/api/v1/models/load", { model_id: "claude-3-sonnet" });
    await server.close();
    writeConfig(e.workspace, f.url, { withClaude: false });
    const lines: { level: number; msg: string; stored?: string }[] = [];
    server = await start(e, { logLevel: "info", logStream: { write: (l) => void lines.push(JSON.parse(l)) } });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        stored: "claude-3-sonnet",
        msg: expect.stringContaining("no longer configured"),
      }),
    );
    expect((await restCall(server.url, "GET", "/api/v1/models/current")).body).toMatchObject({ id: "gpt-4" });
    expect(await chatModel(server, f)).toBe(GPT4);
  });

  it("lets a changed default_model win over a choice made under the old default", async () => {
    const { env: e, fake: f } = await setUp("sqlite");
    let server = await start(e);
    await restCall(server.url, "POST", "/api/v1/models/load", { model_id: "claude-3-sonnet" });
    await server.close();
    writeConfig(e.workspace, f.url, { defaultModel: "local" });
    server = await start(e);
    expect((await restCall(server.url, "GET", "/api/v1/models/current")).body).toMatchObject({ id: "local" });
  });

  it("sets one agent's model with agent_id: its runs use it, the others keep the current model", async () => {
    const { env: e, fake: f } = await setUp("sqlite");
    const server = await start(e);
    const load = await restCall(server.url, "POST", "/api/v1/models/load", {
      model_id: "claude-3-sonnet",
      agent_id: "code-expert",
    });
    expect(load).toEqual({
      status: 200,
      body: {
        status: "success",
        model_id: "claude-3-sonnet",
        current_model: CLAUDE,
        message: "Successfully loaded model: claude-3-sonnet for agent code-expert",
      },
    });
    expect(await chatModel(server, f, "code-expert")).toBe(CLAUDE);
    expect(await chatModel(server, f)).toBe(GPT4);
    expect((await restCall(server.url, "GET", "/api/v1/models/current")).body).toMatchObject({ id: "gpt-4" });
    const agent = await restCall(server.url, "GET", "/api/v1/agents/code-expert");
    expect(agent.body).toMatchObject({ model_config_id: "claude-3-sonnet", model: { model: CLAUDE } });

    // Over Connect, with the generated client: the same RPC, the same effect.
    const models = createClient(ModelService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    await models.loadModel({ modelId: "local", agentId: "code-expert" });
    expect(await chatModel(server, f, "code-expert")).toBe("local/llama");

    // The per-agent choice outlives a restart: the file names no model for this agent.
    await server.close();
    const again = await start(e);
    expect(await chatModel(again, f, "code-expert")).toBe("local/llama");
    expect(await chatModel(again, f)).toBe(GPT4);
  });

  it("answers an unknown model 404 naming the valid ids, an unknown agent 404, a missing id 422; nothing changes", async () => {
    const { env: e, fake: f } = await setUp("sqlite");
    const server = await start(e);
    const unknown = await restCall(server.url, "POST", "/api/v1/models/load", { model_id: "gpt-5" });
    expect(unknown).toEqual({
      status: 404,
      body: { detail: 'model "gpt-5" is not configured (available: gpt-4, local, claude-3-sonnet)' },
    });
    const forAgent = await restCall(server.url, "POST", "/api/v1/models/load", {
      model_id: "gpt-5",
      agent_id: "code-expert",
    });
    expect(forAgent.status).toBe(404);
    expect(forAgent.body!.detail).toContain("available: gpt-4, local, claude-3-sonnet");
    const noAgent = await restCall(server.url, "POST", "/api/v1/models/load", {
      model_id: "local",
      agent_id: "nobody",
    });
    expect(noAgent.status).toBe(404);
    expect(noAgent.body!.detail).toContain('agent "nobody" not found');
    const missing = await restCall(server.url, "POST", "/api/v1/models/load", {});
    expect(missing.status).toBe(422);
    expect(missing.body!.detail).toEqual([
      { loc: ["body", "model_id"], msg: "field required", type: "value_error.missing" },
    ]);

    const models = createClient(ModelService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    const err = await models.loadModel({ modelId: "gpt-5" }).catch((x: unknown) => ConnectError.from(x));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.NotFound);
    expect((err as ConnectError).rawMessage).toContain("available: gpt-4, local, claude-3-sonnet");

    expect(await chatModel(server, f)).toBe(GPT4);
    expect(await chatModel(server, f, "code-expert")).toBe(GPT4);
  });
});
