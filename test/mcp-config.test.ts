import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/config-error.js";
import { loadConfig } from "../src/config/load-config.js";
import { floe } from "./support/floe-process.js";

describe("MCP servers in floe.yaml", () => {
  let ws: string;
  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), "floe-mcp-config-"));
  });
  afterEach(() => rmSync(ws, { recursive: true, force: true }));
  const load = (yaml: string, env: NodeJS.ProcessEnv = {}) => {
    writeFileSync(join(ws, "floe.yaml"), yaml);
    return loadConfig({ workspace: ws }, env);
  };

  it("reads global and per-agent servers, stdio and Streamable HTTP, with their limits", () => {
    const c = load(
      [
        "mcp_timeout_ms: 20000",
        "mcp_restart_backoff_ms: 500",
        "mcp_servers:",
        "  fs: { command: npx, args: [-y, '@modelcontextprotocol/server-filesystem', '${root}'], env: { A: b } }",
        "agents:",
        "  - id: helper",
        "    mcp_servers:",
        "      search: { url: 'https://mcp.example/mcp', headers: { Authorization: 'Bearer ${env:SEARCH_TOKEN}' }, timeout_ms: 5000 }",
      ].join("\n"),
      { SEARCH_TOKEN: "t0k" },
    );
    expect(c.mcp).toEqual({
      timeoutMs: 20000,
      restartBackoffMs: 500,
      maxBackoffMs: 60000,
      servers: [
        {
          name: "fs",
          agent: "",
          transport: "stdio",
          command: "npx",
          args: ["-y", "@modelcontextprotocol/server-filesystem", "${root}"],
          env: { A: "b" },
          cwd: "",
          sandbox: false,
          sandboxNetwork: false,
          timeoutMs: 20000,
          startupTimeoutMs: 30000,
        },
        {
          name: "search",
          agent: "helper",
          transport: "http",
          url: "https://mcp.example/mcp",
          headers: { Authorization: "Bearer t0k" },
          timeoutMs: 5000,
          startupTimeoutMs: 30000,
        },
      ],
    });
    expect(load("").mcp).toMatchObject({ servers: [], timeoutMs: 60000, restartBackoffMs: 1000 });
  });

  it.each([
    ["mcp_servers: [a, b]", /^config error: mcp_servers \(.*\): must be a mapping of server names/],
    ["mcp_servers:\n  my.server: { command: x }", /mcp_servers\.my\.server .*: a server name is 1-32 letters/],
    ["mcp_servers:\n  a__b: { command: x }", /mcp_servers\.a__b .*without '__'/],
    ["mcp_servers:\n  s: { comand: x }", /mcp_servers\.s\.comand .*: unknown key \(known: command, args/],
    ["mcp_servers:\n  s: { command: x, url: 'http://h/mcp' }", /mcp_servers\.s .*: needs exactly one of command/],
    ["mcp_servers:\n  s: {}", /mcp_servers\.s .*: needs exactly one of command/],
    ["mcp_servers:\n  s: { url: 'ftp://h' }", /mcp_servers\.s\.url .*: must be an http:\/\/ or https:\/\/ URL/],
    ["mcp_servers:\n  s: { url: 'http://h', args: [a] }", /mcp_servers\.s\.args .*: applies to stdio servers only/],
    [
      "mcp_servers:\n  s: { url: 'http://h', sandbox: true }",
      /mcp_servers\.s\.sandbox .*: applies to stdio servers only/,
    ],
    ["mcp_servers:\n  s: { command: x, sandbox: maybe }", /mcp_servers\.s\.sandbox .*: must be true or false/],
    ["mcp_servers:\n  s: { command: x, args: a }", /mcp_servers\.s\.args .*: must be a list of strings/],
    ["mcp_servers:\n  s: { command: x, env: [A] }", /mcp_servers\.s\.env .*: must be a mapping of names to strings/],
    [
      "mcp_servers:\n  s: { command: x, env: { A: '${env:NOT_SET}' } }",
      /mcp_servers\.s\.env\.A .*: names \$\{env:NOT_SET\}, which is not set/,
    ],
    ["mcp_servers:\n  s: { command: x, timeout_ms: 0 }", /mcp_servers\.s\.timeout_ms .*: must be a positive integer/],
    ["mcp_timeout_ms: soon", /mcp_timeout_ms .*: must be a positive integer/],
    [
      "mcp_servers:\n  s: { command: x }\nagents:\n  - id: a\n    mcp_servers:\n      s: { command: y }",
      /agents\[0\]\.mcp_servers\.s .*: is already a global MCP server's name/,
    ],
  ])("refuses %j with a ConfigError naming the key", (yaml, message) => {
    expect(() => load(yaml)).toThrow(ConfigError);
    expect(() => load(yaml)).toThrow(message);
  });

  it("the CLI exits 2 with one line naming the key", async () => {
    writeFileSync(join(ws, "floe.yaml"), "mcp_servers:\n  fs: { command: node, url: 'http://x/mcp' }\n");
    const r = await finish(floe(["--workspace", ws]));
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^floe: config error: mcp_servers\.fs \(/)]);
  });
});

function finish(p: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = "";
  p.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve) => p.on("close", (code) => resolve({ code, stderr })));
}
