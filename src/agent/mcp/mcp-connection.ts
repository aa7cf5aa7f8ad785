import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ErrorCode, McpError, type CallToolResult, type Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import type { Logger } from "../../domain/logger.js";
import type { McpServerSpec } from "../../domain/mcp-server.js";
import { FLOE_VERSION } from "../../version.js";
import type { Sandbox } from "../tools/sandbox.js";
import { ToolError } from "../tools/tool-error.js";
import { createTransport } from "./mcp-transport.js";

/** `starting` until the handshake and tool list are done; `failed` waits for its restart; `stopped` is closed. */
export type McpState = "starting" | "ready" | "failed" | "stopped";

export interface McpConnectionDeps {
  spec: McpServerSpec;
  /** The active root at each (re)start. */
  root: () => string;
  baseEnv: Readonly<Record<string, string>>;
  sandbox: Sandbox;
  log: Logger;
  backoff: { initialMs: number; maxMs: number };
}

const STDERR_LINES = 10;
const PING_MS = 5_000;

/**
 * One MCP server: connects, lists its tools, calls them, and restarts it with
 * a doubling back-off whenever it fails to start, exits, breaks its
 * connection or stops answering. A stale client's callbacks are ignored:
 * each start has its own generation.
 */
export class McpConnection {
  state: McpState = "stopped";
  private failure = "";
  /** The tools it listed last: kept while it restarts, so a call names the failure instead of an unknown tool. */
  tools: McpTool[] = [];
  restarts = 0;
  nextRetryAt = 0;
  private client: Client | undefined;
  /** The client of a start still in progress: a stop closes it too, so no process outlives Floe's close. */
  private starting: Client | undefined;
  private failures = 0;
  private generation = 0;
  private retry: NodeJS.Timeout | undefined;
  private readonly stderr: string[] = [];

  constructor(private readonly d: McpConnectionDeps) {}

  get name(): string {
    return this.d.spec.name;
  }

  get spec(): McpServerSpec {
    return this.d.spec;
  }

  /** Why it last failed, with its last stderr lines (read now: they may come after the exit); empty once ready. */
  get lastError(): string {
    if (!this.failure) return "";
    return this.stderr.length ? `${this.failure} (stderr: ${this.stderr.join(" | ")})` : this.failure;
  }

  /** Connects and lists the tools; resolves when ready or failed (a failure schedules the restart). Never rejects. */
  async start(): Promise<void> {
    const gen = ++this.generation;
    clearTimeout(this.retry);
    this.state = "starting";
    this.stderr.length = 0;
    const { spec, log } = this.d;
    const client = new Client(
      { name: "floe", version: FLOE_VERSION },
      { listChanged: { tools: { debounceMs: 50, onChanged: (err, tools) => this.toolsChanged(client, err, tools) } } },
    );
    client.onclose = () => {
      if (client === this.client) this.fail(new Error(`the server ${exitWord(spec)}`));
    };
    this.starting = client;
    try {
      const transport = createTransport(spec, {
        root: this.d.root(),
        baseEnv: this.d.baseEnv,
        sandbox: this.d.sandbox,
        onStderr: (line) => this.stderrLine(line),
      });
      await client.connect(transport, { timeout: spec.startupTimeoutMs });
      const tools = await listAllTools(client, spec.startupTimeoutMs);
      if (gen !== this.generation) return void (await client.close());
      this.client = client;
      this.tools = tools;
      this.state = "ready";
      this.failure = "";
      this.failures = 0;
      log.info({ mcpServer: spec.name, tools: tools.length }, "MCP server ready");
    } catch (e) {
      await client.close().catch(() => undefined);
      if (gen === this.generation) this.fail(e);
    } finally {
      if (this.starting === client) this.starting = undefined;
    }
  }

  /** Calls a tool under the server's time limit and the run's signal; every failure is a ToolError the model reads. */
  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    const client = this.client;
    if (this.state !== "ready" || !client) throw new ToolError(this.unavailable());
    const { timeoutMs, name } = this.d.spec;
    try {
      return (await client.callTool({ name: tool, arguments: args }, undefined, {
        signal,
        timeout: timeoutMs,
      })) as CallToolResult;
    } catch (e) {
      if (signal.aborted) throw signal.reason;
      if (e instanceof McpError && e.code === ErrorCode.RequestTimeout) {
        void this.probe(client);
        throw new ToolError(
          `MCP tool ${name}.${tool} timed out after ${timeoutMs} ms (timeout_ms of server "${name}")`,
        );
      }
      if (e instanceof McpError && e.code !== ErrorCode.ConnectionClosed)
        throw new ToolError(`MCP server "${name}" refused ${tool}: ${e.message}`);
      // The connection broke (the process exited, the HTTP server went away): restart it.
      if (client === this.client) this.fail(e);
      throw new ToolError(`MCP server "${name}" failed during ${tool}: ${this.lastError}; ${this.restartNote()}`);
    }
  }

  /** Stops it for good (or until the next start): no restart is scheduled. */
  async stop(): Promise<void> {
    this.generation++;
    clearTimeout(this.retry);
    this.state = "stopped";
    const clients = [this.client, this.starting];
    this.client = this.starting = undefined;
    await Promise.all(clients.map((c) => c?.close().catch(() => undefined)));
  }

  /** Starts it again at once, with a fresh back-off (a config change). */
  async restart(): Promise<void> {
    await this.stop();
    this.failures = 0;
    this.restarts++;
    await this.start();
  }

  /** What a call gets while the server is not ready. */
  unavailable(): string {
    const { name } = this.d.spec;
    if (this.state === "starting") return `MCP server "${name}" is starting; try again shortly`;
    if (this.state === "stopped") return `MCP server "${name}" is stopped`;
    return `MCP server "${name}" is not available: ${this.lastError}; ${this.restartNote()}`;
  }

  private restartNote(): string {
    if (this.state !== "failed") return "Floe is restarting it";
    return `Floe restarts it in ${Math.max(0, Math.ceil((this.nextRetryAt - Date.now()) / 1000))}s`;
  }

  private fail(e: unknown): void {
    const client = this.client;
    this.client = undefined;
    client?.close().catch(() => undefined);
    this.state = "failed";
    this.failure = describe(e);
    const delay = Math.min(this.d.backoff.initialMs * 2 ** this.failures, this.d.backoff.maxMs);
    this.failures++;
    this.nextRetryAt = Date.now() + delay;
    this.d.log.error(
      { mcpServer: this.d.spec.name, err: this.lastError, retryInMs: delay },
      `MCP server "${this.d.spec.name}" failed: ${this.lastError}`,
    );
    const gen = this.generation;
    this.retry = setTimeout(() => {
      if (gen !== this.generation) return;
      this.restarts++;
      void this.start();
    }, delay);
    this.retry.unref();
  }

  /** After a timed-out call: a server that does not answer a ping is hung, and restarted. */
  private async probe(client: Client): Promise<void> {
    try {
      await client.ping({ timeout: Math.min(PING_MS, this.d.spec.timeoutMs) });
    } catch {
      if (client === this.client) this.fail(new Error("it stopped answering (a call timed out, then a ping)"));
    }
  }

  private toolsChanged(client: Client, err: Error | null, tools: McpTool[] | null): void {
    if (client !== this.client) return;
    if (err || !tools) {
      this.d.log.warn({ mcpServer: this.d.spec.name, err: err?.message }, "could not refresh an MCP server's tools");
      return;
    }
    this.tools = tools;
    this.d.log.info({ mcpServer: this.d.spec.name, tools: tools.length }, "MCP server's tools changed");
  }

  private stderrLine(line: string): void {
    this.stderr.push(line.slice(0, 300));
    if (this.stderr.length > STDERR_LINES) this.stderr.shift();
    this.d.log.debug({ mcpServer: this.d.spec.name, stderr: line }, "MCP server stderr");
  }
}

/** Every page of the server's tool list. */
async function listAllTools(client: Client, timeout: number): Promise<McpTool[]> {
  const tools: McpTool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined, { timeout });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

function exitWord(spec: McpServerSpec): string {
  return spec.transport === "stdio" ? "process exited" : "connection closed";
}

function describe(e: unknown): string {
  if (e instanceof McpError && e.code === ErrorCode.RequestTimeout) return "it did not answer in time";
  const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const text = err?.message ?? String(e);
  const own = err?.code && typeof err.code === "string" ? `${err.code}: ${text}` : text;
  // fetch hides the reason (ECONNREFUSED, a DNS failure) in its cause.
  return err?.cause?.message ? `${own} (${err.cause.code ? `${err.cause.code}: ` : ""}${err.cause.message})` : own;
}
