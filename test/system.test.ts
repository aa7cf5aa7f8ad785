import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { SystemService } from "../gen/floe/v1/system_pb.js";
import { connectJson, createTestEnv, type TestEnv } from "./support/test-server.js";

describe("system, runtime config, models and health", () => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it("gets and sets the project root, workspace root and execution mode, notifying observers", async () => {
    env = await createTestEnv();
    const project = join(env.workspace, "project");
    const other = join(env.workspace, "other-ws");
    mkdirSync(project);
    mkdirSync(other);
    const server = await env.start({ env: { PENGUIN_PROJECT_ROOT: project } });
    const seen: string[] = [];
    server.app.runtime.subscribe((next) => seen.push(`${next.executionMode}:${server.app.runtime.activeRoot}`));
    const sys = createClient(SystemService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));

    const initial = await sys.getRuntimeConfig({});
    expect(initial.config).toMatchObject({
      projectRoot: project,
      workspaceRoot: env.workspace,
      executionMode: "project",
      activeRoot: project,
    });

    const ws = await sys.setWorkspaceRoot({ path: other });
    expect(ws).toMatchObject({
      status: "success",
      path: other,
      activeRoot: project,
      message: `Workspace root set to ${other}`,
    });
    const mode = await sys.setExecutionMode({ mode: "workspace" });
    expect(mode).toMatchObject({ executionMode: "workspace", activeRoot: other });
    const pr = await sys.setProjectRoot({ path: env.workspace });
    expect(pr.activeRoot).toBe(other);
    expect(seen).toEqual([`project:${project}`, `workspace:${other}`, `workspace:${other}`]);

    const badPath = await connectJson(server.url, "floe.v1.SystemService/SetWorkspaceRoot", {
      path: join(env.workspace, "missing"),
    });
    expect(badPath.status).toBe(400);
    expect(badPath.body.message).toMatch(/does not exist: give an existing directory/);
    const file = join(env.workspace, "a-file");
    writeFileSync(file, "x");
    const notDir = await connectJson(server.url, "floe.v1.SystemService/SetProjectRoot", { path: file });
    expect(notDir.body.message).toMatch(/is not a directory/);
    const badMode = await connectJson(server.url, "floe.v1.SystemService/SetExecutionMode", { mode: "elsewhere" });
    expect(badMode.status).toBe(400);
    expect(badMode.body.message).toContain("must be 'project' or 'workspace'");
    // Failed changes leave the configuration as it was.
    expect((await sys.getRuntimeConfig({})).config?.activeRoot).toBe(other);
  });

  it("reports info, status, capabilities and health", async () => {
    env = await createTestEnv();
    const server = await env.start({ env: { FLOE_AGENT_ID: "floe@test-box" } });
    const info = await connectJson(server.url, "floe.v1.SystemService/GetInfo", {});
    expect(info.body).toMatchObject({
      engineAvailable: true,
      currentModel: { model: "floe/offline", provider: "offline" },
      memoryProvider: { initialized: true, providerType: "sqlite" },
    });
    const status = await connectJson(server.url, "floe.v1.SystemService/GetStatus", {});
    expect(status.body.status).toBe("active");
    expect(Date.parse(status.body.timestamp)).toBeGreaterThan(0);
    const caps = await connectJson(server.url, "floe.v1.SystemService/GetCapabilities", {});
    expect(caps.body).toMatchObject({ apiVersion: "v1", capabilities: { modelSwitching: true } });
    const health = await connectJson(server.url, "floe.v1.HealthService/GetHealth", {});
    expect(health.body).toMatchObject({ status: "ok", agentId: "floe@test-box", database: "sqlite" });
    expect(health.body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("lists models from the config file and switches the current one", async () => {
    env = await createTestEnv();
    writeFileSync(
      join(env.workspace, "floe.yaml"),
      [
        "default_model: small",
        "models:",
        "  - id: small",
        "    name: acme/small-1",
        "    provider: acme",
        "    base_url: http://127.0.0.1:9/v1",
        "    max_output_tokens: 2000",
        "  - id: vision",
        "    name: acme/vision-2",
        "    vision_enabled: true",
        "    temperature: 0.2",
      ].join("\n"),
    );
    const server = await env.start();
    const list = await connectJson(server.url, "floe.v1.ModelService/ListModels", {});
    expect(list.body.models.map((m: any) => [m.config.id, m.current ?? false, m.isDefault ?? false])).toEqual([
      ["small", true, true],
      ["vision", false, false],
    ]);
    const load = await connectJson(server.url, "floe.v1.ModelService/LoadModel", { model_id: "vision" });
    expect(load.body).toEqual({
      status: "success",
      modelId: "vision",
      currentModel: "acme/vision-2",
      message: "Successfully loaded model: vision",
    });
    const current = await connectJson(server.url, "floe.v1.ModelService/GetCurrentModel", {});
    expect(current.body).toMatchObject({ id: "vision", model: "acme/vision-2", visionEnabled: true, temperature: 0.2 });
    const missing = await connectJson(server.url, "floe.v1.ModelService/LoadModel", { model_id: "nope" });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain("available: small, vision");
  });
});
