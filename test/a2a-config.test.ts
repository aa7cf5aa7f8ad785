import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load-config.js";

describe("a2a_agents in floe.yaml", () => {
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), "floe-a2a-config-"));
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));
  const load = (yaml: string, env: Record<string, string> = {}) => {
    writeFileSync(join(ws, "floe.yaml"), yaml);
    return loadConfig({ workspace: ws }, env);
  };

  it("reads each remote agent, its headers, and its key as a bearer token (given, or from the environment)", () => {
    const c = load(
      [
        "a2a_agents:",
        "  - name: reviewer",
        "    url: http://127.0.0.1:9000",
        "    api_key_env: REVIEWER_KEY",
        "    headers: { X-Team: blue }",
        "  - name: helper",
        "    url: https://helper.example/a2a/agents/x/",
        "    api_key: plain",
      ].join("\n"),
      { REVIEWER_KEY: "from-env" },
    );
    expect(c.a2aAgents).toEqual([
      {
        name: "reviewer",
        url: "http://127.0.0.1:9000",
        headers: { "x-team": "blue", authorization: "Bearer from-env" },
      },
      { name: "helper", url: "https://helper.example/a2a/agents/x/", headers: { authorization: "Bearer plain" } },
    ]);
    expect(load("port: 1\n").a2aAgents).toEqual([]);
  });

  it.each([
    ["a2a_agents: {name: x}", /a2a_agents.*must be a list/],
    ["a2a_agents: [{url: http://x}]", /a2a_agents\[0\]\.name.*is required/],
    ["a2a_agents: [{name: x, url: ftp://x}]", /a2a_agents\[0\]\.url.*http\(s\) URL/],
    ["a2a_agents: [{name: x, url: http://x, token: y}]", /a2a_agents\[0\]\.token.*unknown key/],
    ["a2a_agents: [{name: x, url: http://x}, {name: x, url: http://y}]", /a2a_agents\[1\]\.name.*duplicate/],
    ["a2a_agents: [{name: x, url: http://x, api_key_env: UNSET_KEY}]", /api_key_env.*UNSET_KEY, which is not set/],
  ])("refuses %s, naming the key", (yaml, message) => {
    expect(() => load(yaml)).toThrow(message);
  });
});
