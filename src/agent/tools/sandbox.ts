import { spawnSync } from "node:child_process";
import { isAbsolute } from "node:path";

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
  ): { file: string; args: string[] } | undefined;
}

/** Paths bwrap mounts over whatever the host has there: only the project root stays writable. */
function bwrapArgs(command: string, cwd: string, root: string, home: string | undefined, network: boolean): string[] {
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"];
  // HOME is a fresh tmpfs: no dotfiles, tokens or caches of the server's user.
  if (home && isAbsolute(home) && home !== "/") args.push("--tmpfs", home);
  args.push("--bind", root, root);
  args.push("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try");
  if (!network) args.push("--unshare-net");
  args.push("--die-with-parent", "--chdir", cwd, "--", "/bin/bash", "-c", command);
  return args;
}

/**
 * Decides, once at startup, how commands run. `auto` uses bubblewrap when a
 * trial run works, else runs commands unconfined (and says so); `required`
 * refuses commands without it; `off` never uses it.
 */
export function createSandbox(mode: SandboxMode, bwrapPath: string, network: boolean): Sandbox {
  const unconfined = (reason: string): Sandbox => ({
    kind: "none",
    reason,
    wrap: (command) => ({ file: "/bin/bash", args: ["-c", command] }),
  });
  if (mode === "off") return unconfined("sandbox is off: commands run unconfined");
  const trial = spawnSync(bwrapPath, bwrapArgs("true", "/", "/tmp", undefined, network), {
    timeout: 5000,
    encoding: "utf8",
  });
  const works = trial.status === 0;
  const why = trial.error ? trial.error.message : (trial.stderr || `exit ${trial.status}`).trim();
  if (works) {
    return {
      kind: "bwrap",
      reason: `commands run in bubblewrap (${bwrapPath}): project root writable, the rest read-only, HOME empty, ${network ? "network on" : "no network"}`,
      wrap: (command, cwd, root, home) => ({ file: bwrapPath, args: bwrapArgs(command, cwd, root, home, network) }),
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
