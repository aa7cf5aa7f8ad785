import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { realpathSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { quote } from "shell-quote";
import { type McpServerSpec, ROOT_PLACEHOLDER } from "../../domain/mcp-server.js";
import type { Sandbox } from "../tools/sandbox.js";

/** What a server's transport is made from besides its spec. */
export interface TransportInputs {
  /** The active root now: `${root}` in args and cwd, and a stdio server's default cwd. */
  root: string;
  /** The allow-listed part of Floe's environment a stdio server gets (see commandEnvironment). */
  baseEnv: Readonly<Record<string, string>>;
  /** Hears each line the server writes to stderr. */
  onStderr: (line: string) => void;
  /** Where a server with `sandbox: true` runs. */
  sandbox: Sandbox;
}

const withRoot = (s: string, root: string) => s.replaceAll(ROOT_PLACEHOLDER, root);

/**
 * The resolved launch of a server: what changes when the active root does.
 * Two equal keys start the same process.
 */
export function launchKey(spec: McpServerSpec, root: string): string {
  if (spec.transport === "http") return JSON.stringify([spec.url, spec.headers]);
  const cwd = spec.cwd ? resolve(root, withRoot(spec.cwd, root)) : root;
  // A sandboxed server's writable directory is the root itself.
  return JSON.stringify([spec.command, spec.args.map((a) => withRoot(a, root)), spec.env, cwd, spec.sandbox && root]);
}

/**
 * The SDK transport for a server. A stdio server's environment is the
 * allow-list plus what its config names, never Floe's own (the SDK adds its
 * own short list: HOME, LOGNAME, PATH, SHELL, TERM, USER); its stderr is
 * piped to the log instead of Floe's terminal.
 */
export function createTransport(spec: McpServerSpec, i: TransportInputs): Transport {
  if (spec.transport === "http") {
    return new StreamableHTTPClientTransport(new URL(spec.url), {
      requestInit: { headers: spec.headers },
    });
  }
  const env = { ...i.baseEnv, ...spec.env };
  const cwd = spec.cwd ? resolve(i.root, withRoot(spec.cwd, i.root)) : i.root;
  const launch = { file: spec.command, args: spec.args.map((a) => withRoot(a, i.root)) };
  if (spec.sandbox) {
    if (i.sandbox.kind !== "bwrap") throw new Error(`sandbox: true, but ${i.sandbox.reason}`);
    // `exec`: the server replaces the shell, so closing its stdin (and signals) reach it.
    const command = `exec ${quote([launch.file, ...launch.args])}`;
    // The server's own code stays readable where the sandbox empties its parent (a home, /tmp).
    const readable = [...(spec.cwd ? [cwd] : []), ...commandDir(launch.file)];
    Object.assign(launch, i.sandbox.wrap(command, cwd, i.root, env.HOME, spec.sandboxNetwork, readable));
  }
  const transport = new StdioClientTransport({ command: launch.file, args: launch.args, env, cwd, stderr: "pipe" });
  let partial = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) i.onStderr(line.trimEnd());
  });
  return transport;
}

/** The directory of a command given as a path (its real file's), to keep it reachable in the sandbox. */
function commandDir(file: string): string[] {
  if (!isAbsolute(file)) return [];
  try {
    return [dirname(realpathSync(file))];
  } catch {
    return [];
  }
}
