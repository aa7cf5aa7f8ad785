import { spawn } from "node:child_process";
import { commandOperation } from "../../security/command-risk.js";
import { confinePath } from "./confine-path.js";
import { int, str, type Tool } from "./tool.js";
import { ToolError } from "./tool-error.js";

/** Output kept per command; the rest is counted and dropped. */
const OUTPUT_CAP = 64 * 1024;
const DEFAULT_TIMEOUT_S = 120;
const MAX_TIMEOUT_S = 1800;

/** Ends the whole process group: a shell's children die with it. */
function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, 2000).unref();
}

export const executeCommandTool: Tool = {
  name: "execute_command",
  description:
    "Run a shell command (bash -c) in a directory inside the workspace. Output is capped; the command is killed on timeout.",
  parameters: {
    type: "object",
    properties: {
      command: { type: "string" },
      cwd: { type: "string", description: "Working directory relative to the root (default the root)" },
      timeout_seconds: {
        type: "integer",
        description: `Kill after this many seconds (default ${DEFAULT_TIMEOUT_S}, at most ${MAX_TIMEOUT_S})`,
      },
    },
    required: ["command"],
  },
  operation: "process.execute",
  // Judged and audited as what it does: `git push` is git.push, `curl` network.fetch.
  operationOf: (a) => commandOperation(String(a.command ?? "")),
  resource: (a) => String(a.command ?? ""),
  run(args, ctx) {
    const command = str(args, "command");
    const cwd = confinePath(ctx.root, str(args, "cwd", false) || ".");
    const timeoutS = Math.min(int(args, "timeout_seconds", DEFAULT_TIMEOUT_S) || DEFAULT_TIMEOUT_S, MAX_TIMEOUT_S);
    if (ctx.signal.aborted) return Promise.reject(new ToolError("cancelled before start"));
    return new Promise<string>((resolve, reject) => {
      const run = ctx.sandbox.wrap(command, cwd, ctx.root, ctx.env.HOME, ctx.network);
      if (!run) return reject(new ToolError(ctx.sandbox.reason));
      const child = spawn(run.file, run.args, {
        cwd,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: ctx.env,
      });
      let out = "";
      let dropped = 0;
      const collect = (d: Buffer) => {
        const s = d.toString("utf8");
        const room = OUTPUT_CAP - out.length;
        if (room > 0) out += s.slice(0, room);
        dropped += Math.max(0, s.length - Math.max(room, 0));
      };
      child.stdout!.on("data", collect);
      child.stderr!.on("data", collect);
      let ended: "timeout" | "cancelled" | undefined;
      const stop = (why: "timeout" | "cancelled") => {
        if (ended || child.pid === undefined) return;
        ended = why;
        killGroup(child.pid);
      };
      const timer = setTimeout(() => stop("timeout"), timeoutS * 1000);
      const onAbort = () => stop("cancelled");
      ctx.signal.addEventListener("abort", onAbort);
      child.once("error", (e) => {
        clearTimeout(timer);
        ctx.signal.removeEventListener("abort", onAbort);
        reject(new ToolError(`could not start command: ${e.message}`));
      });
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        ctx.signal.removeEventListener("abort", onAbort);
        const tail = dropped > 0 ? `\n…[output capped: ${dropped} more characters dropped]` : "";
        if (ended === "timeout")
          return reject(new ToolError(`command timed out after ${timeoutS}s and was killed\n${out}${tail}`));
        if (ended === "cancelled") return reject(new ToolError(`command cancelled and killed\n${out}${tail}`));
        const status = code === 0 ? "" : `\n[exit ${code ?? signal}]`;
        if (code !== 0) return reject(new ToolError(`${out}${tail}${status}`));
        resolve(`${out}${tail}` || "(no output)");
      });
    });
  },
};
