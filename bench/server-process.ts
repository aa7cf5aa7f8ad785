import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { startServer } from "../src/server/start-server.js";

let gc: (() => void) | undefined;
/** A full collection: V8 exposes `gc` to contexts created after the flag is set. */
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  gc();
}

/**
 * A Floe server in its own process, so that the load generator does not share
 * its event loop. Adds the plain fastify JSON route that is the floor every
 * RPC path is measured against, and GET /bench/memory (`?gc=1` collects
 * garbage first) for benches that read the server's heap. Prints its URL as
 * the first stdout line.
 */
const workspace = mkdtempSync(join(tmpdir(), "floe-bench-"));
const server = await startServer({
  workspace,
  port: 0,
  logLevel: "warn",
  // BENCH_FAST_PATH=off: every call through connect-fastify's universal handler, for reference.
  fastPath: process.env.BENCH_FAST_PATH !== "off",
  env: { ...process.env, FLOE_PROJECT_ROOT: workspace },
  configure(fastify) {
    fastify.post("/bench/plain", async () => ({ model: "floe/offline", provider: "offline", streamingEnabled: true }));
    fastify.get("/bench/memory", async (req) => {
      if ((req.query as { gc?: string }).gc) collectGarbage();
      return process.memoryUsage();
    });
  },
});
process.stdout.write(`${server.url}\n`);
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
