/**
 * An MCP tool server Floe connects to as a client. Its tools are offered to
 * the model as `<name>__<tool>`, and each call is the permission operation
 * `mcp.<name>.<tool>`.
 */
export type McpServerSpec = McpStdioServer | McpHttpServer;

interface McpServerBase {
  /** Letters, digits, `_` and `-`; unique among the servers an agent sees. */
  name: string;
  /** The agent that owns it (`agents[].mcp_servers`); empty: offered to every agent. */
  agent: string;
  /** Longest a tool call may take, in ms. */
  timeoutMs: number;
  /** Longest the start (process, handshake, tool list) may take, in ms. */
  startupTimeoutMs: number;
}

/** A server Floe starts as a child process and talks to over stdin/stdout. */
export interface McpStdioServer extends McpServerBase {
  transport: "stdio";
  command: string;
  /** `${root}` in an argument stands for the active root, read at each (re)start. */
  args: string[];
  /** The process's whole environment besides a minimal allow-list: never Floe's own. */
  env: Record<string, string>;
  /** Working directory; empty: the active root. `${root}` works here too. */
  cwd: string;
  /**
   * Run it in bubblewrap as shell commands run: the system read-only, the
   * active root writable, homes empty, no network unless `sandboxNetwork`.
   * It fails to start (and says why) where bubblewrap does not work.
   */
  sandbox: boolean;
  sandboxNetwork: boolean;
}

/** A server reached over MCP's Streamable HTTP transport. */
export interface McpHttpServer extends McpServerBase {
  transport: "http";
  url: string;
  headers: Record<string, string>;
}

/** `mcp_servers` and its limits in floe.yaml. */
export interface McpSettings {
  /** Global servers first, then each agent's own. */
  servers: McpServerSpec[];
  /** Default time limit of a tool call, in ms. */
  timeoutMs: number;
  /** First wait before restarting a failed server, in ms; doubles per failure up to `maxBackoffMs`. */
  restartBackoffMs: number;
  maxBackoffMs: number;
}

/** The placeholder for the active root in a stdio server's args and cwd. */
export const ROOT_PLACEHOLDER = "${root}";
