import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

import type { SandboxMode } from "../../config/floe-config.js";

/** How shell commands run: inside bubblewrap, unconfined, or (required but unusable) not at all. */
export interface Sandbox {
  /** `bwrap`, `none` (off, or auto without a usable bwrap), or `refused` (required without one). */
  readonly kind: "bwrap" | "none" | "refused";
  /** Why, for the startup log and for refused commands. */
  readonly reason: string;
  /** The program and arguments that run `command` in `cwd`, with `root` writable; undefined when refused. */
  wrap(
    command: string,
    cwd: string,
    root: string,
    home: string | undefined,
    /** This call may use the network (the permission engine allowed it), besides the sandbox's default. */
    network?: boolean,
    /** Paths kept readable even where the sandbox empties their parent (`/tmp`, a home): a server's own code. */
    readable?: readonly string[],
  ): { file: string; args: string[] } | undefined;
}

/** What the sandbox hides or protects besides the defaults. */
export interface SandboxPaths {
  /** Files hidden from commands (read as empty, never written): Floe's config and database. */
  hide: readonly string[];
}

/** Inside the root, what commands may read but not change: what would run outside the sandbox later, or holds secrets. */
function protectedInRoot(root: string): string[] {
  const fixed = [".git/hooks", ".git/config", ".envrc", ".git-credentials"].map((p) => join(root, p));
  let dotEnv: string[] = [];
  try {
    dotEnv = readdirSync(root)
      .filter((n) => n.startsWith(".env"))
      .map((n) => join(root, n));
  } catch {
    // an unreadable root: nothing more to protect
  }
  return [...fixed, ...dotEnv].filter((p) => existsSync(p));
}

/**
 * The bwrap arguments: the file system read-only, the project root
 * read-write, `/tmp`, `/run` and every home directory empty, Floe's own files
 * hidden, no capabilities (root in the sandbox cannot remount), its own pid
 * namespace and, unless allowed, no network.
 */
function bwrapArgs(
  command: string,
  cwd: string,
  root: string,
  homes: string[],
  network: boolean,
  paths: SandboxPaths,
  readable: readonly string[] = [],
): string[] {
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"];
  // Unix sockets (databases, docker) live here: a read-only bind would not stop connect().
  for (const dir of ["/run", "/var/run"]) if (isRealDir(dir)) args.push("--tmpfs", dir);
  for (const home of homes) args.push("--tmpfs", home);
  for (const p of readable) if (existsSync(p)) args.push("--ro-bind", p, p);
  args.push("--bind", root, root);
  for (const p of protectedInRoot(root)) args.push("--ro-bind", p, p);
  for (const f of paths.hide) if (existsSync(f)) args.push("--ro-bind", "/dev/null", f);
  args.push("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--cap-drop", "ALL");
  if (!network) args.push("--unshare-net");
  args.push("--new-session", "--die-with-parent", "--chdir", cwd, "--", "/bin/bash", "-c", command);
  return args;
}

function isRealDir(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Every home directory a command could find secrets in: the environment's HOME, the server user's, root's. */
function homesOf(home: string | undefined): string[] {
  const all = [home, homedir(), "/root"].filter((h): h is string => !!h && isAbsolute(h) && h !== "/");
  return [...new Set(all)].filter(isRealDir);
}

/**
 * Decides, once at startup, how commands run. `auto` uses bubblewrap when a
 * trial run works, else runs commands unconfined (and says so); `required`
 * refuses commands without it; `off` never uses it.
 */
export function createSandbox(
  mode: SandboxMode,
  bwrapPath: string,
  network: boolean,
  paths: SandboxPaths = { hide: [] },
): Sandbox {
  const unconfined = (reason: string): Sandbox => ({
    kind: "none",
    reason,
    wrap: (command) => ({ file: "/bin/bash", args: ["-c", command] }),
  });
  if (mode === "off") return unconfined("sandbox is off: commands run unconfined");
  const trial = spawnSync(bwrapPath, bwrapArgs("true", "/", "/tmp", [], network, paths), {
    timeout: 5000,
    encoding: "utf8",
  });
  const works = trial.status === 0;
  const why = trial.error ? trial.error.message : (trial.stderr || `exit ${trial.status}`).trim();
  if (works) {
    return {
      kind: "bwrap",
      reason: `commands run in bubblewrap (${bwrapPath}): project root writable, the rest read-only, HOME empty, ${network ? "network on" : "no network"}`,
      wrap: (command, cwd, root, home, allowNetwork, readable) => ({
        file: bwrapPath,
        args: bwrapArgs(command, cwd, root, homesOf(home), network || allowNetwork === true, paths, readable),
      }),
    };
  }
  if (mode === "required") {
    return {
      kind: "refused",
      reason: `sandbox is required but bubblewrap does not work here (${why}): commands are refused; install bubblewrap or set sandbox: auto`,
      wrap: () => undefined,
    };
  }
  return unconfined(
    `bubblewrap does not work here (${why}): commands run unconfined; install bubblewrap to confine them`,
  );
}
