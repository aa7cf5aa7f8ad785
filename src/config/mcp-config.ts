import type { McpServerSpec, McpSettings } from "../domain/mcp-server.js";
import { ConfigError } from "./config-error.js";
import { bool, positiveInt, str } from "./config-values.js";

type Raw = Record<string, unknown>;

const SERVER_KEYS = new Set([
  "command",
  "args",
  "env",
  "cwd",
  "url",
  "headers",
  "timeout_ms",
  "startup_timeout_ms",
  "sandbox",
  "sandbox_network",
]);
const STDIO_ONLY = ["args", "env", "cwd", "sandbox", "sandbox_network"];
/** No `.` (the operation is `mcp.<server>.<tool>`) and no `__` (the tool name's separator). */
const SERVER_NAME = /^(?!.*__)[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
/** `${env:NAME}`: a value Floe's environment gives, named explicitly in the config. */
const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_STARTUP_TIMEOUT_MS = 30_000;
const DEFAULT_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

/**
 * The MCP settings of floe.yaml: `mcp_servers` (global), each agent's
 * `agents[].mcp_servers`, `mcp_timeout_ms` and `mcp_restart_backoff_ms`.
 * Every problem is a ConfigError naming the key.
 */
export function parseMcpSettings(file: Raw, source: string, env: NodeJS.ProcessEnv): McpSettings {
  const timeoutMs =
    file.mcp_timeout_ms === undefined ? DEFAULT_TIMEOUT_MS : positiveInt(file.mcp_timeout_ms, source, "mcp_timeout_ms");
  const restartBackoffMs =
    file.mcp_restart_backoff_ms === undefined
      ? DEFAULT_BACKOFF_MS
      : positiveInt(file.mcp_restart_backoff_ms, source, "mcp_restart_backoff_ms");
  const read = (value: unknown, at: string, agent: string) =>
    parseServers(value, { source, at, agent, env, timeoutMs });
  const servers = read(file.mcp_servers, "mcp_servers", "");
  const globalNames = new Set(servers.map((s) => s.name));
  const agents = Array.isArray(file.agents) ? (file.agents as Raw[]) : [];
  agents.forEach((a, i) => {
    const own = read(a.mcp_servers, `agents[${i}].mcp_servers`, String(a.id));
    for (const s of own) {
      // One name, one server, for every agent that sees it: the tool names and operations stay unambiguous.
      if (globalNames.has(s.name))
        throw new ConfigError(`agents[${i}].mcp_servers.${s.name}`, source, "is already a global MCP server's name");
    }
    servers.push(...own);
  });
  return { servers, timeoutMs, restartBackoffMs, maxBackoffMs: Math.max(MAX_BACKOFF_MS, restartBackoffMs) };
}

interface Where {
  source: string;
  at: string;
  agent: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
}

function parseServers(value: unknown, w: Where): McpServerSpec[] {
  if (value === undefined || value === null) return [];
  if (!isMapping(value))
    throw new ConfigError(
      w.at,
      w.source,
      "must be a mapping of server names to {command, args, env} or {url, headers}",
    );
  return Object.entries(value).map(([name, spec]) => parseServer(name, spec, { ...w, at: `${w.at}.${name}` }));
}

function parseServer(name: string, value: unknown, w: Where): McpServerSpec {
  const { source, at } = w;
  if (!SERVER_NAME.test(name))
    throw new ConfigError(at, source, "a server name is 1-32 letters, digits, '_' or '-', without '__'");
  if (!isMapping(value)) throw new ConfigError(at, source, "must be a mapping with command (stdio) or url (HTTP)");
  for (const key of Object.keys(value)) {
    if (!SERVER_KEYS.has(key))
      throw new ConfigError(`${at}.${key}`, source, `unknown key (known: ${[...SERVER_KEYS].join(", ")})`);
  }
  const base = {
    name,
    agent: w.agent,
    timeoutMs: value.timeout_ms === undefined ? w.timeoutMs : positiveInt(value.timeout_ms, source, `${at}.timeout_ms`),
    startupTimeoutMs:
      value.startup_timeout_ms === undefined
        ? DEFAULT_STARTUP_TIMEOUT_MS
        : positiveInt(value.startup_timeout_ms, source, `${at}.startup_timeout_ms`),
  };
  if ((value.command === undefined) === (value.url === undefined))
    throw new ConfigError(
      at,
      source,
      "needs exactly one of command (a stdio server) or url (a Streamable HTTP server)",
    );
  if (value.url !== undefined) {
    for (const key of STDIO_ONLY)
      if (value[key] !== undefined) throw new ConfigError(`${at}.${key}`, source, "applies to stdio servers only");
    const url = str(value.url, source, `${at}.url`);
    if (!/^https?:\/\/[^\s]+$/.test(url))
      throw new ConfigError(`${at}.url`, source, `must be an http:// or https:// URL, got ${JSON.stringify(url)}`);
    return { ...base, transport: "http", url, headers: strings(value.headers, `${at}.headers`, w) };
  }
  if (value.headers !== undefined) throw new ConfigError(`${at}.headers`, source, "applies to HTTP servers (url) only");
  const command = str(value.command, source, `${at}.command`);
  if (!command) throw new ConfigError(`${at}.command`, source, "must not be empty");
  if (value.args !== undefined && !Array.isArray(value.args))
    throw new ConfigError(`${at}.args`, source, "must be a list of strings");
  const args = ((value.args ?? []) as unknown[]).map((a, i) => str(a, source, `${at}.args[${i}]`));
  const cwd = value.cwd === undefined ? "" : str(value.cwd, source, `${at}.cwd`);
  const env = strings(value.env, `${at}.env`, w);
  const sandbox = value.sandbox === undefined ? false : bool(value.sandbox, source, `${at}.sandbox`);
  const sandboxNetwork =
    value.sandbox_network === undefined ? false : bool(value.sandbox_network, source, `${at}.sandbox_network`);
  return { ...base, transport: "stdio", command, args, cwd, env, sandbox, sandboxNetwork };
}

/** A mapping of names to strings, each `${env:NAME}` replaced by Floe's variable (which must be set). */
function strings(value: unknown, at: string, w: Where): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) throw new ConfigError(at, w.source, "must be a mapping of names to strings");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    const text = str(v, w.source, `${at}.${k}`);
    out[k] = text.replace(ENV_REF, (_, name: string) => {
      const set = w.env[name];
      if (set === undefined)
        throw new ConfigError(`${at}.${k}`, w.source, `names \${env:${name}}, which is not set in Floe's environment`);
      return set;
    });
  }
  return out;
}

function isMapping(v: unknown): v is Raw {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
