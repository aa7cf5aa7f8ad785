import type { RuntimeConfig, RuntimeConfigState } from "../../config/runtime-config.js";
import type { Logger } from "../../domain/logger.js";
import type { McpServerSpec, McpSettings } from "../../domain/mcp-server.js";
import type { Sandbox } from "../tools/sandbox.js";
import type { Tool } from "../tools/tool.js";
import { McpConnection, type McpState } from "./mcp-connection.js";
import { mcpTool } from "./mcp-tool.js";
import { launchKey } from "./mcp-transport.js";
import { allWithin } from "../../domain/within.js";

/** Longest Floe's start waits for its MCP servers; a slower one joins when it is ready. */
const STARTUP_WAIT_MS = 10_000;

export interface McpManagerDeps {
  settings: McpSettings;
  runtime: RuntimeConfig;
  /** The allow-listed environment stdio servers start from (see commandEnvironment). */
  baseEnv: Readonly<Record<string, string>>;
  /** Where servers with `sandbox: true` run (the shell commands' sandbox). */
  sandbox: Sandbox;
  log: Logger;
}

/** One server as ListTools shows it. */
export interface McpServerStatus {
  name: string;
  transport: "stdio" | "http";
  /** Owning agent; empty for a global server. */
  agent: string;
  state: McpState;
  error: string;
  toolCount: number;
  restarts: number;
}

/**
 * Every configured MCP server: started with Floe, restarted when a change of
 * the active root changes how it is launched (`${root}` in its args, or its
 * default working directory), stopped with Floe. It hands each run the MCP
 * tools its agent may use.
 */
export class McpManager {
  private conns: McpConnection[];
  private settings: McpSettings;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly d: McpManagerDeps) {
    this.settings = d.settings;
    this.conns = d.settings.servers.map((spec) => this.connection(spec));
  }

  private connection(spec: McpServerSpec): McpConnection {
    const { restartBackoffMs: initialMs, maxBackoffMs: maxMs } = this.settings;
    const { runtime, baseEnv, sandbox, log } = this.d;
    return new McpConnection({
      spec,
      root: () => runtime.activeRoot,
      baseEnv,
      sandbox,
      log,
      backoff: { initialMs, maxMs },
    });
  }

  /**
   * A changed floe.yaml: servers it no longer lists, or lists differently,
   * stop; new and changed ones start; the others keep running untouched.
   */
  async reconfigure(settings: McpSettings): Promise<{ started: string[]; stopped: string[] }> {
    this.settings = settings;
    const key = (s: McpServerSpec) => JSON.stringify(s);
    const wanted = new Set(settings.servers.map(key));
    const kept = this.conns.filter((c) => wanted.has(key(c.spec)));
    const stopping = this.conns.filter((c) => !kept.includes(c));
    const have = new Set(kept.map((c) => key(c.spec)));
    const added = settings.servers.filter((s) => !have.has(key(s))).map((s) => this.connection(s));
    // Order as the config lists them: a tool name two servers share goes to the first.
    const all = [...kept, ...added];
    this.conns = settings.servers.map((s) => all.find((c) => key(c.spec) === key(s))!);
    await Promise.all(stopping.map((c) => c.stop()));
    await allWithin(
      added.map((c) => c.start()),
      STARTUP_WAIT_MS,
    );
    return { started: added.map((c) => c.name), stopped: stopping.map((c) => c.name) };
  }

  /** Connects every server; waits for them a bounded time (a failed one restarts on its own). */
  async start(): Promise<void> {
    this.unsubscribe ??= this.d.runtime.subscribe((next, prev) => this.rootChanged(next, prev));
    if (this.conns.length === 0) return;
    await allWithin(
      this.conns.map((c) => c.start()),
      STARTUP_WAIT_MS,
    );
  }

  /** The MCP tools an agent is offered: the global servers' and its own, while they are known. */
  toolsFor(agentId: string): Tool[] {
    return this.visible((c) => !c.spec.agent || c.spec.agent === agentId).map((x) => x.tool);
  }

  /** Every known MCP tool, with its server (for ListTools). */
  allTools(): { tool: Tool; server: string; agent: string }[] {
    return this.visible(() => true);
  }

  statuses(): McpServerStatus[] {
    return this.conns.map((c) => ({
      name: c.name,
      transport: c.spec.transport,
      agent: c.spec.agent,
      state: c.state,
      error: c.state === "ready" ? "" : c.lastError,
      toolCount: c.tools.length,
      restarts: c.restarts,
    }));
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    await Promise.all(this.conns.map((c) => c.stop()));
  }

  private visible(which: (c: McpConnection) => boolean): { tool: Tool; server: string; agent: string }[] {
    const seen = new Set<string>();
    const out: { tool: Tool; server: string; agent: string }[] = [];
    for (const c of this.conns) {
      if (c.state === "stopped" || !which(c)) continue;
      for (const t of c.tools) {
        const tool = mcpTool(c, t);
        // Two tools whose names differ only in characters a function name cannot hold: the first wins.
        if (seen.has(tool.name)) continue;
        seen.add(tool.name);
        out.push({ tool, server: c.name, agent: c.spec.agent });
      }
    }
    return out;
  }

  /** A config change: servers whose launch depends on the active root start again with the new one. */
  private rootChanged(next: Readonly<RuntimeConfigState>, prev: Readonly<RuntimeConfigState>): void {
    const before = activeRoot(prev);
    const after = activeRoot(next);
    if (before === after) return;
    for (const c of this.conns) {
      if (c.state === "stopped" || launchKey(c.spec, before) === launchKey(c.spec, after)) continue;
      this.d.log.info({ mcpServer: c.name, root: after }, "restarting MCP server for the new active root");
      void c.restart();
    }
  }
}

function activeRoot(s: Readonly<RuntimeConfigState>): string {
  return s.executionMode === "project" ? s.projectRoot : s.workspaceRoot;
}
