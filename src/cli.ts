#!/usr/bin/env node
import { Command, InvalidArgumentError } from "commander";
import { ConfigError } from "./config/config-error.js";
import { FLOE_VERSION } from "./version.js";

const program = new Command()
  .name("floe")
  .description(
    "Floe: a self-hosted AI agent server (Connect, gRPC, gRPC-Web, Penguin and Pawan JSON APIs) on one port.",
  )
  .version(FLOE_VERSION, "-v, --version");

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("must be a port number 0-65535");
  return n;
};

program
  .command("serve", { isDefault: true })
  .description("start the server (default command)")
  .option("-w, --workspace <dir>", "workspace directory: floe.yaml, floe.db, uploads (env FLOE_WORKSPACE)")
  .option(
    "-c, --config <file>",
    "config file: floe.yaml, or Pawan's pawan.toml (default <workspace>/floe.yaml, else <workspace>/pawan.toml)",
  )
  .option("--host <host>", "address to bind (env FLOE_HOST or HOST; default 127.0.0.1)")
  .option("-p, --port <port>", "port to bind (env FLOE_PORT or PORT; default 8000)", port)
  .action(async (opts: { workspace?: string; config?: string; host?: string; port?: number }) => {
    try {
      // Loaded on demand: --version and --help answer without loading the server.
      const { startServer } = await import("./server/start-server.js");
      const server = await startServer(opts);
      server.fastify.log.info(
        {
          url: server.url,
          workspace: server.config.workspace,
          database: server.app.database.location,
          driver: server.app.database.driver,
        },
        "floe is listening",
      );
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        server.fastify.log.info({ signal }, "shutting down");
        server.close().then(
          () => process.exit(0),
          (e: unknown) => {
            server.fastify.log.error({ err: e }, "shutdown failed");
            process.exit(1);
          },
        );
      };
      process.on("SIGTERM", () => stop("SIGTERM"));
      process.on("SIGINT", () => stop("SIGINT"));
    } catch (e) {
      if (e instanceof ConfigError) {
        process.stderr.write(`floe: ${e.message}\n`);
        process.exit(2);
      }
      process.stderr.write(`floe: failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    }
  });

await program.parseAsync();
