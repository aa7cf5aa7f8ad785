import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Code } from "@connectrpc/connect";
import { afterEach, describe, expect, it } from "vitest";
import { collect, kinds } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { startMcpHttpServer, type McpHttpServer } from "./support/mcp-http-server.js";
import { createMcpEnv, eventually, FS_SERVER, type McpEnv } from "./support/mcp-env.js";

const fsServer = (name = "fs") => [
  `  ${name}:`,
  `    command: ${JSON.stringify(process.execPath)}`,
  `    args: [${JSON.stringify(FS_SERVER)}, "\${root}"]`,
];

describe("MCP tool servers (client side: initialize, tools/list, tools/call)", () => {
  let c: McpEnv;
  let web: McpHttpServer | undefined;
  afterEach(async () => {
    await c?.cleanup();
    await web?.close();
    web = undefined;
  });

  it("offers the filesystem server's tools as fs__<tool> with their schema, runs them, and audits each call", async () => {
    c = await createMcpEnv(["mcp_servers:", ...fsServer()]);
    writeFileSync(join(c.root, "seed.txt"), "seeded by the test");
    const { events, results } = await c.runTools([
      { name: "fs__write_file", args: { path: join(c.root, "hello.txt"), content: "written over MCP" }, id: "w" },
      { name: "fs__read_text_file", args: { path: join(c.root, "seed.txt") }, id: "r" },
      { name: "fs__read_text_file", args: { path: "/etc/hostname" }, id: "x" },
    ]);
    // The model was offered the server's own schema under the namespaced name.
    const offered = c.fake.requests[0]!.tools as { function: { name: string; parameters: any } }[];
    const read = offered.find((t) => t.function.name === "fs__read_text_file")!;
    expect(read.function.parameters).toMatchObject({ type: "object", properties: { path: { type: "string" } } });
    expect(offered.map((t) => t.function.name)).toEqual(expect.arrayContaining(["read_file", "fs__write_file"]));

    expect(readFileSync(join(c.root, "hello.txt"), "utf8")).toBe("written over MCP");
    expect(results[0]).toMatchObject({ action: "fs__write_file", status: "completed" });
    expect(results[1]).toEqual({ action: "fs__read_text_file", status: "completed", result: "seeded by the test" });
    // The server's own refusal (outside its allowed directory) reaches the model as a tool error.
    expect(results[2]).toMatchObject({ status: "error", result: expect.stringMatching(/Access denied/) });
    expect(c.fake.requests[1]!.messages.at(-2)).toMatchObject({ role: "tool", content: "seeded by the test" });

    const tools = events.filter((e) => e.kind.case === "toolStart" || e.kind.case === "toolComplete");
    expect(tools.map((e) => [e.kind.case, (e.kind.value as { name: string }).name])).toEqual([
      ["toolStart", "fs__write_file"],
      ["toolComplete", "fs__write_file"],
      ["toolStart", "fs__read_text_file"],
      ["toolComplete", "fs__read_text_file"],
      ["toolStart", "fs__read_text_file"],
      ["toolComplete", "fs__read_text_file"],
    ]);
    expect(tools[3]!.kind.value).toMatchObject({ success: true, status: "completed", toolCallId: "r" });

    const audit = await c.security.listAuditEntries({ limit: 10, category: "mcp" });
    expect(audit.entries.map((e) => [e.operation, e.toolName, e.result]).reverse()).toEqual([
      ["mcp.fs.write_file", "fs__write_file", "allow"],
      ["mcp.fs.read_text_file", "fs__read_text_file", "allow"],
      ["mcp.fs.read_text_file", "fs__read_text_file", "allow"],
    ]);
    expect(audit.entries.at(-1)!.resource).toBe(
      JSON.stringify({ path: join(c.root, "hello.txt"), content: "written over MCP" }),
    );
  });

  it("a deny rule for mcp.fs.write_file refuses the call; an ask rule waits until a human approves", async () => {
    c = await createMcpEnv([
      "mcp_servers:",
      ...fsServer(),
      "permissions:",
      "  rules:",
      "    - { operation: mcp.fs.write_file, result: deny, reason: no writes over MCP }",
      "    - { operation: mcp.fs.create_directory, result: ask }",
    ]);
    const denied = await c.runTools([{ name: "fs__write_file", args: { path: join(c.root, "no.txt"), content: "x" } }]);
    expect(denied.results[0]).toEqual({
      action: "fs__write_file",
      status: "denied",
      result: "permission denied: no writes over MCP",
    });
    expect(existsSync(join(c.root, "no.txt"))).toBe(false);

    c.fake.enqueue(
      reply.toolCalls([{ name: "fs__create_directory", args: { path: join(c.root, "made") } }]),
      reply.text("ok"),
    );
    const stream = collect(c.chat.streamMessage({ chat: { text: "make a directory" } }));
    const pending = await eventually(async () => (await c.security.listApprovals({})).pending[0]);
    expect(pending).toMatchObject({ toolName: "fs__create_directory", operation: "mcp.fs.create_directory" });
    // It waits: nothing was created yet.
    expect(existsSync(join(c.root, "made"))).toBe(false);
    await c.security.approve({ requestId: pending.id, scope: "once" });
    const events = await stream;
    expect(kinds(events)).toEqual(
      expect.arrayContaining(["approvalRequired", "approvalResolved", "toolComplete", "complete"]),
    );
    expect(existsSync(join(c.root, "made"))).toBe(true);

    const audit = await c.security.listAuditEntries({ limit: 10, category: "mcp" });
    expect(audit.entries.map((e) => [e.operation, e.result, e.policy]).reverse()).toEqual([
      ["mcp.fs.write_file", "deny", "config-rule"],
      ["mcp.fs.create_directory", "ask", "config-rule"],
      ["mcp.fs.create_directory", "allow", "human-approval"],
    ]);
  });

  it("read-only mode refuses MCP tools unless a rule allows them", async () => {
    c = await createMcpEnv([
      "permission_mode: read-only",
      "permissions:",
      "  rules:",
      "    - { operation: mcp.fs.read_*, result: allow }",
      "mcp_servers:",
      ...fsServer(),
    ]);
    writeFileSync(join(c.root, "a.txt"), "readable");
    const { results } = await c.runTools([
      { name: "fs__write_file", args: { path: join(c.root, "b.txt"), content: "x" } },
      { name: "fs__read_text_file", args: { path: join(c.root, "a.txt") } },
    ]);
    expect(results[0]).toMatchObject({ status: "denied", result: expect.stringContaining("read-only mode") });
    expect(results[1]).toMatchObject({ status: "completed", result: "readable" });
  });

  it("calls a Streamable HTTP server with its configured headers, and maps dotted tool names", async () => {
    web = await startMcpHttpServer("sesame");
    c = await createMcpEnv(
      [
        "mcp_servers:",
        "  web:",
        `    url: ${web.url}`,
        '    headers: { Authorization: "Bearer ${env:WEB_MCP_TOKEN}" }',
      ],
      { WEB_MCP_TOKEN: "sesame" },
    );
    const { results } = await c.runTools([
      { name: "web__add", args: { a: 2, b: 40 } },
      { name: "web__shout_loud", args: { text: "quiet" } },
    ]);
    expect(results.map((r) => [r.action, r.status, r.result])).toEqual([
      ["web__add", "completed", "42"],
      ["web__shout_loud", "completed", "QUIET"],
    ]);
    expect(web.calls).toEqual([
      { name: "add", arguments: { a: 2, b: 40 } },
      { name: "shout.loud", arguments: { text: "quiet" } },
    ]);
    expect(web.authorizations.every((a) => a === "Bearer sesame")).toBe(true);
    const audit = await c.security.listAuditEntries({ limit: 5, category: "mcp" });
    expect(audit.entries.map((e) => e.operation)).toContain("mcp.web.shout.loud");
  });

  it("an HTTP server that goes away: the call says why, and Floe reconnects once it is back", async () => {
    web = await startMcpHttpServer();
    c = await createMcpEnv([
      "mcp_restart_backoff_ms: 300",
      "mcp_servers:",
      `  web: { url: ${JSON.stringify(web.url)} }`,
    ]);
    const port = Number(new URL(web.url).port);
    await web.close();
    const down = await c.runTools([{ name: "web__add", args: { a: 1, b: 1 } }]);
    expect(down.results[0]).toMatchObject({
      status: "error",
      result: expect.stringMatching(
        /^MCP server "web" failed during add: fetch failed \(ECONNREFUSED: .*\); Floe restarts it in [01]s$/,
      ),
    });
    web = await startMcpHttpServer("", port);
    await eventually(async () => (await c.system.listTools({})).mcpServers[0]!.state === "ready" || undefined);
    const up = await c.runTools([{ name: "web__add", args: { a: 1, b: 1 } }]);
    expect(up.results[0]).toMatchObject({ status: "completed", result: "2" });
  });

  it("ListTools shows every tool with its source, per agent, and why a server is missing", async () => {
    web = await startMcpHttpServer();
    c = await createMcpEnv([
      "mcp_servers:",
      ...fsServer(),
      "  broken:",
      "    command: /nonexistent/mcp-server",
      "agents:",
      "  - id: helper",
      "    default_tools: [read_file]",
      "    mcp_servers:",
      `      web: { url: ${JSON.stringify(web.url)} }`,
    ]);
    const all = await c.system.listTools({});
    const bySource = (s: string) => all.tools.filter((t) => t.source === s).map((t) => t.name);
    expect(bySource("builtin")).toEqual(expect.arrayContaining(["read_file", "execute_command", "delegate"]));
    expect(bySource("mcp:fs")).toEqual(expect.arrayContaining(["fs__read_text_file", "fs__write_file"]));
    expect(bySource("mcp:web")).toEqual(["web__add", "web__shout_loud"]);
    const write = all.tools.find((t) => t.name === "fs__write_file")!;
    expect(write.operation).toBe("mcp.fs.write_file");
    expect(write.parameters).toMatchObject({ type: "object", required: ["path", "content"] });
    const servers = Object.fromEntries(all.mcpServers.map((s) => [s.name, s]));
    expect(servers.fs).toMatchObject({ transport: "stdio", state: "ready", error: "", agentId: "" });
    expect(servers.web).toMatchObject({ transport: "http", state: "ready", agentId: "helper", toolCount: 2 });
    expect(servers.broken).toMatchObject({ state: "failed", error: expect.stringMatching(/ENOENT/), toolCount: 0 });
    expect(c.logs.some((l) => l.level >= 50 && /MCP server "broken" failed: .*ENOENT/.test(l.msg))).toBe(true);

    const helper = await c.system.listTools({ agentId: "helper" });
    expect(helper.tools.map((t) => `${t.source} ${t.name}`).filter((n) => !n.startsWith("mcp:fs"))).toEqual([
      "builtin read_file",
      "mcp:web web__add",
      "mcp:web web__shout_loud",
    ]);
    const plain = await c.system.listTools({ agentId: "default" });
    expect(plain.tools.some((t) => t.source === "mcp:web")).toBe(false);
    expect(plain.mcpServers.map((s) => s.name)).toEqual(["fs", "broken"]);
    await expect(c.system.listTools({ agentId: "nobody" })).rejects.toMatchObject({ code: Code.NotFound });
    // A broken server leaves the rest working: a built-in tool still runs.
    const { results } = await c.runTools([{ name: "list_files", args: {} }]);
    expect(results[0]!.status).toBe("completed");
  });
});
