import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeOpenAI, reply, startFakeOpenAI } from "./support/fake-openai.js";
import { exited, floe, listening } from "./support/floe-process.js";
import { restCall } from "./support/rest.js";
import { createTestEnv, type TestEnv } from "./support/test-server.js";

/** The configuration of Pawan's reference, exactly as written there. */
const REFERENCE_TOML = `provider = "nvidia"
model = "qwen/qwen3.5-122b-a10b"
temperature = 0.6
max_tokens = 4096
`;

function finish(p: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = "";
  p.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve) => p.on("close", (code) => resolve({ code, stderr })));
}

describe("pawan.toml: Pawan's config, accepted as its reference writes it", () => {
  let dir: string | undefined;
  let fake: FakeOpenAI | undefined;
  let env: TestEnv | undefined;
  let proc: ChildProcess | undefined;
  afterEach(async () => {
    if (proc && proc.exitCode === null) {
      proc.kill("SIGTERM");
      await exited(proc);
    }
    await env?.cleanup();
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = fake = env = proc = undefined;
  });

  it("floe --config pawan.toml serves that model: the chat reaches the provider with its model, temperature and max_tokens", async () => {
    fake = await startFakeOpenAI();
    dir = mkdtempSync(join(tmpdir(), "floe-pawan-"));
    const config = join(dir, "pawan.toml");
    writeFileSync(config, REFERENCE_TOML);
    // NVIDIA_API_URL moves the nvidia provider's endpoint, as in Pawan: here, to the fake upstream.
    const envVars = { NVIDIA_API_URL: fake.url, NVIDIA_API_KEY: "nv-key", FLOE_MODEL_MAX_RETRIES: "0" };
    proc = floe(["serve", "--config", config, "--workspace", join(dir, "ws"), "--port", "0"], envVars);
    const url = await listening(proc);

    const models = await restCall(url, "GET", "/models");
    expect(models.body).toEqual({ models: [{ name: "qwen/qwen3.5-122b-a10b", provider: "nvidia", is_default: true }] });
    fake.enqueue(reply.text("fixed"));
    const chat = await restCall(url, "POST", "/chat", { message: "Fix the failing test in src/lib.rs" });
    expect(chat.status).toBe(200);
    expect(fake.requests[0]).toMatchObject({ model: "qwen/qwen3.5-122b-a10b", temperature: 0.6, max_tokens: 4096 });
    expect(fake.requestHeaders[0]!.authorization).toBe("Bearer nv-key");
  });

  it("reads pawan.toml from the workspace when there is no floe.yaml; floe.yaml wins when both exist", async () => {
    fake = await startFakeOpenAI();
    env = await createTestEnv();
    writeFileSync(
      join(env.workspace, "pawan.toml"),
      `provider = "openai"\nmodel = "gpt-4o"\nbase_url = "${fake.url}"\ntemperature = 0.2\nmax_tokens = 512\nmax_retries = 5\n` +
        `# Pawan's own settings, which Floe has no use for, are accepted.\ndry_run = true\n[tui]\ntheme = "dark"\n`,
    );
    let server = await env.start({ env: { FLOE_MODEL_MAX_RETRIES: "0" } });
    expect(server.config.configFile).toBe(join(env.workspace, "pawan.toml"));
    // The environment beats the file, as with floe.yaml.
    expect(server.config.modelMaxRetries).toBe(0);
    const current = await restCall(server.url, "GET", "/api/v1/models/current");
    expect(current.body).toMatchObject({ model: "gpt-4o", temperature: 0.2, max_output_tokens: 512 });
    expect((await restCall(server.url, "POST", "/chat", { message: "hi" })).status).toBe(200);
    expect(fake.requests[0]).toMatchObject({ model: "gpt-4o", temperature: 0.2, max_tokens: 512 });
    await server.close();

    writeFileSync(join(env.workspace, "floe.yaml"), `models:\n  - id: yaml-model\n    base_url: ${fake.url}\n`);
    server = await env.start();
    expect(server.config.configFile).toBe(join(env.workspace, "floe.yaml"));
    expect((await restCall(server.url, "GET", "/api/v1/models/current")).body).toMatchObject({ id: "yaml-model" });
    expect(server.config.modelMaxRetries).toBe(2);
  });

  it.each([
    ['provider = "nvidia"\ntemprature = 0.6\n', /^floe: config error: temprature \(.*pawan\.toml\): unknown key/],
    [
      'provider = "watson"\n',
      /^floe: config error: provider \(.*pawan\.toml\): unknown provider "watson" \(known: nvidia/,
    ],
    ["temperature = 3\n", /^floe: config error: temperature \(.*pawan\.toml\): must be a number from 0 to 2/],
    ['model = "x"\nmodel = "y"\n', /^floe: config error: \(toml\) \(.*pawan\.toml\): not valid TOML/],
  ])("exits 2 with one line naming the key and the file for a bad pawan.toml: %j", async (toml, line) => {
    dir = mkdtempSync(join(tmpdir(), "floe-pawan-"));
    writeFileSync(join(dir, "pawan.toml"), toml);
    const r = await finish(floe(["--workspace", dir, "--port", "0"]));
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });
});
