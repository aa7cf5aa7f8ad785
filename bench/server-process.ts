import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer } from "../src/server/start-server.js";

/**
 * A Floe server in its own process, so that the load generator does not share
 * its event loop. Adds the plain fastify JSON route that is the floor every
 * RPC path is measured against. Prints its URL as the first stdout line.
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
  },
});
process.stdout.write(`${server.url}\n`);
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
