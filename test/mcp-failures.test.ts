import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Event } from "../gen/floe/v1/events_pb.js";
import { reply } from "./support/fake-openai.js";
import { createMcpEnv, eventually, FS_SERVER, type McpEnv, testServerYaml } from "./support/mcp-env.js";

/** A directory the test server leaves its markers in (`started`, `cancelled`). */
const markerDir = () => mkdtempSync(join(tmpdir(), "floe-mcp-markers-"));
const status = async (c: McpEnv, name: string) =>
  (await c.system.listTools({})).mcpServers.find((s) => s.name === name)!;

describe("MCP servers that hang, die, fail to start or get cancelled (tools/call failures, ping, initialize)", () => {
  let c: McpEnv;
  afterEach(async () => c?.cleanup());

  it("a hanging tool times out with a clear result, and the run goes on", async () => {
    c = await createMcpEnv(["mcp_servers:", ...testServerYaml("t", ["timeout_ms: 1500"])]);
    const started = Date.now();
    const { results, events } = await c.runTools([{ name: "t__hang", args: {} }]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(results[0]).toEqual({
      action: "t__hang",
      status: "error",
      result: 'MCP tool t.hang timed out after 1500 ms (timeout_ms of server "t")',
    });
    expect(events.at(-1)!.kind.case).toBe("complete");
    // Only the call hung: the server still answers its ping, so it is not restarted.
    await new Promise((r) => setTimeout(r, 300));
    expect(await status(c, "t")).toMatchObject({ state: "ready", restarts: 0 });
  });

  it("a server that stops answering altogether (a call times out, then a ping) is restarted", async () => {
    c = await createMcpEnv([
      "mcp_restart_backoff_ms: 200",
      "mcp_servers:",
      ...testServerYaml("t", ["timeout_ms: 1000"]),
    ]);
    const pid = (await c.runTools([{ name: "t__pid", args: {} }])).results[0]!.result;
    const { results } = await c.runTools([{ name: "t__freeze", args: {} }]);
    expect(results[0]).toMatchObject({ status: "error", result: expect.stringContaining("timed out after 1000 ms") });
    await eventually(async () => (await status(c, "t")).restarts === 1 || undefined);
    expect(c.logs.some((l) => /^MCP server "t" failed: it stopped answering/.test(l.msg))).toBe(true);
    await eventually(async () => (await status(c, "t")).state === "ready" || undefined);
    const again = await c.runTools([{ name: "t__pid", args: {} }]);
    expect(again.results[0]).toMatchObject({ status: "completed", result: expect.not.stringMatching(`^${pid}$`) });
  });

  it("a dying server: the call says why, the log says so, and it is restarted after back-off", async () => {
    c = await createMcpEnv(["mcp_restart_backoff_ms: 1500", "mcp_servers:", ...testServerYaml("t")]);
    const first = await c.runTools([{ name: "t__pid", args: {} }]);
    const pid = first.results[0]!.result;
    expect(pid).toMatch(/^\d+$/);
    const died = await c.runTools([{ name: "t__die", args: {} }]);
    expect(died.results[0]).toMatchObject({
      status: "error",
      result: expect.stringMatching(/^MCP server "t" failed during die: .*(process exited|Connection closed)/),
    });
    // Meanwhile, the tool result says why and when it comes back.
    const meanwhile = await c.runTools([{ name: "t__pid", args: {} }]);
    expect(meanwhile.results[0]).toMatchObject({
      status: "error",
      result: expect.stringMatching(/^MCP server "t" is not available: .*; Floe restarts it in [12]s$/),
    });
    expect(c.logs.some((l) => l.level >= 50 && /^MCP server "t" failed/.test(l.msg))).toBe(true);
    expect(await status(c, "t")).toMatchObject({ state: "failed", error: expect.stringContaining("dying on purpose") });
    // Back-off, then a new process.
    await eventually(async () => ((await status(c, "t")).state === "ready" ? true : undefined));
    expect((await status(c, "t")).restarts).toBe(1);
    const again = await c.runTools([{ name: "t__pid", args: {} }]);
    expect(again.results[0]!.status).toBe("completed");
    expect(again.results[0]!.result).not.toBe(pid);
  });

  it("cancelling a run during a slow MCP call ends the run at once and cancels the call on the server", async () => {
    const markers = markerDir();
    c = await createMcpEnv([
      "mcp_servers:",
      ...testServerYaml("t", [`env: { MCP_MARKERS: ${JSON.stringify(markers)} }`]),
    ]);
    c.fake.enqueue(reply.toolCalls([{ name: "t__slow", args: { ms: 30_000 } }]), reply.text("never"));
    const seen: Event[] = [];
    let cancelledAt = 0;
    for await (const r of c.chat.streamMessage({ chat: { text: "wait" } })) {
      if (!r.event) continue;
      seen.push(r.event);
      if (r.event.kind.case !== "toolStart") continue;
      // Cancelled once the server is running the call (a loaded machine may take a moment to deliver it).
      await eventually(() => (existsSync(join(markers, "slow-started")) ? true : undefined), 10_000);
      cancelledAt = Date.now();
      await c.chat.cancelRun({ runId: r.event.runId });
    }
    expect(seen.at(-1)!.kind.case).toBe("cancelled");
    expect(Date.now() - cancelledAt).toBeLessThan(10_000);
    expect(seen.some((e) => e.kind.case === "toolComplete")).toBe(false);
    // The SDK sent notifications/cancelled: the server's handler saw its signal abort.
    await eventually(() => (existsSync(join(markers, "cancelled")) ? true : undefined), 5000);
    expect(c.fake.requests).toHaveLength(1);
  });

  it("a stdio server's environment is the allow-list and its config, never Floe's keys", async () => {
    c = await createMcpEnv(
      ["mcp_servers:", ...testServerYaml("t", ['env: { GREETING: hello, TOKEN_FOR_T: "${env:T_TOKEN}" }'])],
      { T_TOKEN: "given-on-purpose", MY_SECRET_TOKEN: "leak", FLOE_API_KEYS: "", FLOE_DEBUG: "false" },
    );
    const { results } = await c.runTools([{ name: "t__env", args: {} }]);
    const names = results[0]!.result.split(",");
    expect(names).toEqual(expect.arrayContaining(["GREETING", "TOKEN_FOR_T", "PATH"]));
    const allowed = ["PATH", "HOME", "LANG", "TERM", "LOGNAME", "SHELL", "USER", "GREETING", "TOKEN_FOR_T"];
    expect(names.filter((n) => !allowed.includes(n))).toEqual([]);
  });

  it("a stdio server with sandbox: true runs in bubblewrap: the active root writable, the rest not", async () => {
    const outside = join("/var/tmp", `floe-mcp-outside-${process.pid}-${Date.now()}`);
    c = await createMcpEnv(["mcp_servers:", ...testServerYaml("box", ["sandbox: true"]), ...testServerYaml("free")]);
    // Floe's start waits a bounded time for its servers: on a loaded machine bubblewrap and tsx may take longer.
    await eventually(async () => {
      const servers = (await c.system.listTools({})).mcpServers;
      return servers.length === 2 && servers.every((s) => s.state === "ready") ? true : undefined;
    }, 60_000);
    try {
      const { results } = await c.runTools([
        { name: "box__write", args: { path: join(c.root, "inside.txt"), text: "in" } },
        { name: "box__write", args: { path: outside, text: "out" } },
        { name: "free__write", args: { path: outside, text: "out" } },
      ]);
      expect(results.map((r) => r.result)).toEqual(["ok", expect.stringMatching(/EROFS|read-only/), "ok"]);
      expect(existsSync(join(c.root, "inside.txt"))).toBe(true);
    } finally {
      rmSync(outside, { force: true });
    }
  }, 90_000);

  it("a server that cannot start leaves Floe working, and is retried with back-off", async () => {
    c = await createMcpEnv([
      "mcp_restart_backoff_ms: 200",
      "mcp_servers:",
      "  gone:",
      "    command: /nonexistent/mcp-server",
      "  mute:",
      `    command: ${JSON.stringify(process.execPath)}`,
      // Starts, never answers initialize: the handshake times out.
      `    args: ["-e", "setInterval(() => {}, 1000)"]`,
      "    startup_timeout_ms: 500",
    ]);
    // Failed, or already starting again after its short back-off: the reason stays until it is ready.
    expect(await status(c, "gone")).toMatchObject({
      state: expect.not.stringMatching(/ready/),
      error: expect.stringMatching(/ENOENT/),
    });
    expect(await status(c, "mute")).toMatchObject({
      state: expect.not.stringMatching(/ready/),
      error: "it did not answer in time",
    });
    await eventually(async () => ((await status(c, "gone")).restarts >= 2 ? true : undefined));
    const { results } = await c.runTools([{ name: "list_files", args: {} }]);
    expect(results[0]!.status).toBe("completed");
    expect(c.logs.some((l) => /^MCP server "mute" failed: it did not answer in time/.test(l.msg))).toBe(true);
  });

  it("follows notifications/tools/list_changed: a tool the server adds is offered to the next run", async () => {
    c = await createMcpEnv(["mcp_servers:", ...testServerYaml("t")]);
    expect((await c.system.listTools({})).tools.map((t) => t.name)).not.toContain("t__extra");
    await c.runTools([{ name: "t__grow", args: {} }]);
    await eventually(async () => (await c.system.listTools({})).tools.some((t) => t.name === "t__extra") || undefined);
    const { results } = await c.runTools([{ name: "t__extra", args: {} }]);
    expect(results[0]).toMatchObject({ status: "completed", result: "extra ran" });
    expect(c.fake.requests.at(-2)!.tools.map((t: { function: { name: string } }) => t.function.name)).toContain(
      "t__extra",
    );
  });

  it("restarts a server launched with ${root} when the active root changes", async () => {
    c = await createMcpEnv([
      "mcp_servers:",
      "  fs:",
      `    command: ${JSON.stringify(process.execPath)}`,
      `    args: [${JSON.stringify(FS_SERVER)}, "\${root}"]`,
    ]);
    const other = join(c.root, "elsewhere");
    mkdirSync(other);
    await c.system.setProjectRoot({ path: other });
    await eventually(
      async () => ((await status(c, "fs")).restarts === 1 && (await status(c, "fs")).state === "ready") || undefined,
    );
    const { results } = await c.runTools([{ name: "fs__list_allowed_directories", args: {} }]);
    expect(results[0]!.result).toContain(other);
  });
});
