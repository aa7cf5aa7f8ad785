import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startMcpHttpServer, type McpHttpServer } from "./support/mcp-http-server.js";
import { createMcpEnv, eventually, type McpEnv } from "./support/mcp-env.js";

describe("MCP servers follow changes to floe.yaml, without a restart", () => {
  let c: McpEnv;
  let web: McpHttpServer | undefined;
  afterEach(async () => {
    await c?.cleanup();
    await web?.close();
    web = undefined;
  });

  const toolNames = async () =>
    (await c.system.listTools({})).tools.filter((t) => t.source !== "builtin").map((t) => t.name);

  it("connects (initialize, tools/list) a server the file gains, keeps serving through a file that no longer parses, and drops a removed one", async () => {
    c = await createMcpEnv(["mcp_servers: {}"]);
    expect(await toolNames()).toEqual([]);
    web = await startMcpHttpServer();
    const yaml = join(c.env.workspace, "floe.yaml");
    const withWeb = ["mcp_servers:", "  web:", `    url: ${web.url}`];
    writeFileSync(yaml, withWeb.join("\n"));
    const names = await eventually(async () => {
      const n = await toolNames();
      return n.length > 0 ? n : undefined;
    });
    expect(names).toEqual(expect.arrayContaining(["web__add", "web__shout_loud"]));
    // The new tools are offered to the next run, and they run.
    const { results } = await c.runTools([{ name: "web__add", args: { a: 1, b: 2 } }]);
    expect(results[0]).toMatchObject({ action: "web__add", status: "completed", result: "3" });
    // A broken file changes nothing, and the log says why.
    writeFileSync(yaml, [...withWeb, "mcp_timeout_ms: -5"].join("\n"));
    await eventually(() => c.logs.find((l) => l.msg.includes("was not applied")) ?? undefined);
    expect(c.logs.find((l) => l.msg.includes("was not applied"))).toMatchObject({
      err: expect.stringContaining("mcp_timeout_ms"),
    });
    expect(await toolNames()).toEqual(names);
    // Removed from the file: its tools go.
    writeFileSync(yaml, "mcp_servers: {}\n");
    await eventually(async () => ((await toolNames()).length === 0 ? true : undefined));
    expect(
      c.logs.some((l) => l.msg === "applied the config file's MCP servers" && JSON.stringify(l.stopped) === '["web"]'),
    ).toBe(true);
  });
});
