import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/config-error.js";
import { loadConfig } from "../src/config/load-config.js";

describe("config precedence: flags > env > file > defaults", () => {
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), "floe-config-"));
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));

  it("uses defaults when nothing is set", () => {
    const c = loadConfig({ workspace: ws }, {});
    expect(c).toMatchObject({
      host: "127.0.0.1",
      port: 8000,
      executionMode: "project",
      corsOrigins: [],
      debug: false,
      defaultModel: "offline",
    });
    expect(c.models.map((m) => m.id)).toEqual(["offline"]);
  });

  it("lets the file beat defaults, env beat the file and flags beat env", () => {
    writeFileSync(join(ws, "floe.yaml"), "host: 127.0.0.2\nport: 1111\nexecution_mode: workspace\ndebug: false\n");
    expect(loadConfig({ workspace: ws }, {})).toMatchObject({
      host: "127.0.0.2",
      port: 1111,
      executionMode: "workspace",
    });
    const env = { PORT: "2222", HOST: "127.0.0.3", DEBUG: "true", PENGUIN_WRITE_ROOT: "project" };
    expect(loadConfig({ workspace: ws }, env)).toMatchObject({
      host: "127.0.0.3",
      port: 2222,
      debug: true,
      executionMode: "project",
    });
    // Floe's own names beat the reference documents' names.
    expect(loadConfig({ workspace: ws }, { ...env, FLOE_PORT: "2323" }).port).toBe(2323);
    expect(loadConfig({ workspace: ws, port: 3333, host: "127.0.0.4" }, env)).toMatchObject({
      host: "127.0.0.4",
      port: 3333,
    });
  });

  it("reads the workspace from PENGUIN_WORKSPACE and a --config file from anywhere", () => {
    const other = join(ws, "cfg.yaml");
    writeFileSync(other, "port: 4444\ncors_origins: [http://a.test, http://b.test]\n");
    expect(loadConfig({ config: other }, { PENGUIN_WORKSPACE: ws })).toMatchObject({
      workspace: ws,
      port: 4444,
      corsOrigins: ["http://a.test", "http://b.test"],
    });
    expect(loadConfig({ workspace: ws }, { PENGUIN_CORS_ORIGINS: "http://x.test, http://y.test" }).corsOrigins).toEqual(
      ["http://x.test", "http://y.test"],
    );
  });

  it("falls back to OPENAI_API_KEY/OPENAI_BASE_URL when the file lists no models", () => {
    const c = loadConfig(
      { workspace: ws },
      { OPENAI_API_KEY: "k", OPENAI_BASE_URL: "http://127.0.0.1:1/v1", FLOE_MODEL: "m1" },
    );
    expect(c.models.map((m) => [m.id, m.name, m.baseUrl, m.offline])).toEqual([
      ["default", "m1", "http://127.0.0.1:1/v1", false],
    ]);
  });

  it.each([
    ["port: 99999\n", /port \(.*floe\.yaml\): must be a port number/],
    ["execution_mode: sideways\n", /execution_mode \(.*floe\.yaml\): must be "project" or "workspace"/],
    ["bogus_key: 1\n", /bogus_key \(.*floe\.yaml\): unknown key/],
    ["models:\n  - name: no-id\n", /models\[0\]\.id \(.*floe\.yaml\): is required/],
    ["models:\n  - id: a\n    temperature: hot\n", /models\[0\]\.temperature \(.*floe\.yaml\): must be a number/],
    ["default_model: ghost\n", /default_model \(.*floe\.yaml\): "ghost" is not the id of a configured model/],
    ["port: [1\n", /\(yaml\) \(.*floe\.yaml\): not valid YAML/],
  ])("rejects a bad file (%s) naming the key and the file", (yaml, message) => {
    writeFileSync(join(ws, "floe.yaml"), yaml);
    expect(() => loadConfig({ workspace: ws }, {})).toThrow(ConfigError);
    expect(() => loadConfig({ workspace: ws }, {})).toThrow(message);
  });

  it("bounds a model stream's silence by the model timeout unless set on its own", () => {
    expect(loadConfig({ workspace: ws }, { FLOE_MODEL_TIMEOUT_MS: "3000" }).modelIdleTimeoutMs).toBe(3000);
    const both = loadConfig({ workspace: ws }, { FLOE_MODEL_TIMEOUT_MS: "3000", FLOE_MODEL_IDLE_TIMEOUT_MS: "1500" });
    expect(both.modelIdleTimeoutMs).toBe(1500);
    expect(loadConfig({ workspace: ws }, {}).timeouts).toEqual({
      headersMs: 20_000,
      requestMs: 120_000,
      keepAliveMs: 5_000,
      idleMs: 120_000,
    });
  });

  it("refuses to pass a secret-looking variable to commands", () => {
    expect(loadConfig({ workspace: ws }, { FLOE_COMMAND_ENV: "DEPLOY_STAGE, LC_ALL" }).commandEnv).toEqual([
      "DEPLOY_STAGE",
      "LC_ALL",
    ]);
    for (const name of [
      "GITHUB_TOKEN",
      "AWS_SECRET_ACCESS_KEY",
      "FLOE_API_KEYS",
      "DB_PASSWORD",
      "GH_PAT",
      "SENTRY_DSN",
    ]) {
      expect(() => loadConfig({ workspace: ws }, { FLOE_COMMAND_ENV: name })).toThrow(/looks like a secret/);
    }
  });

  it("rejects a bad env value naming the variable", () => {
    expect(() => loadConfig({ workspace: ws }, { PORT: "eighty" })).toThrow(/PORT \(env\): must be a port number/);
    expect(() => loadConfig({ workspace: ws }, { FLOE_DATABASE_URL: "mysql://x" })).toThrow(
      /FLOE_DATABASE_URL \(env\)/,
    );
  });
});
