import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface BenchServer {
  url: string;
  /** The server process, for reading its memory. */
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts bench/server-process in a child process and waits for its URL.
 * `BENCH_SERVER_ARGS` passes node flags to the server only, for instance
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile it under load.
 */
export async function spawnBenchServer(env: NodeJS.ProcessEnv = {}): Promise<BenchServer> {
  const script = fileURLToPath(new URL("./server-process.js", import.meta.url));
  const nodeArgs = (process.env.BENCH_SERVER_ARGS ?? "").split(/\s+/).filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = "";
    child.stdout!.on("data", (d) => {
      buf += d;
      const line = buf.split("\n")[0];
      if (buf.includes("\n") && line) resolve(line.trim());
    });
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
