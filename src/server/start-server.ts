import { setMaxListeners } from "node:events";
import { mkdirSync } from "node:fs";
import { fastifyConnectPlugin } from "@connectrpc/connect-fastify";
import { Code, ConnectError, createContextValues } from "@connectrpc/connect";
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from "fastify";
import { ConfigError } from "../config/config-error.js";
import type { ConfigFlags, FloeConfig } from "../config/floe-config.js";
import { loadConfig } from "../config/load-config.js";
import type { AppContext } from "../services/app-context.js";
import { createAppContext } from "./create-app-context.js";
import { createServiceBindings, registerRoutes } from "../services/registry.js";
import type { PermissionGate } from "../security/permission-gate.js";
import { openDatabase } from "../store/database.js";
import { connectUnaryFastPath } from "./connect-unary-fast-path.js";
import { CONNECT_UNARY_CONSTRAINT, connectUnaryConstraint } from "./fast-path-routing.js";
import { authInterceptor, errorInterceptor, kLogger } from "./interceptors.js";
import { isAllowedHostHeader, isLoopbackHost } from "./loopback.js";
import { OnePortServer } from "./one-port-server.js";
import { InProcessInvoker } from "./in-process-invoker.js";
import { registerCompat } from "../compat/register-compat.js";
import fastifyCors from "@fastify/cors";

export interface StartOptions extends ConfigFlags {
  /** Environment to read instead of process.env (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  /** Settings that beat every other source, for embedding and tests. */
  overrides?: Partial<FloeConfig>;
  /** pino level; default `debug` when DEBUG is set, else `info`. */
  logLevel?: string;
  /** Runs before listening, for embedders that add their own routes or hooks. */
  configure?: (fastify: FastifyInstance) => void | Promise<void>;
  /** Decides every tool call (default: allow all, until the permission engine lands). */
  permissionGate?: PermissionGate;
}

export interface FloeServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  port: number;
  config: FloeConfig;
  app: AppContext;
  fastify: FastifyInstance;
  /** Graceful: stops accepting, ends streams, closes the database. Idempotent. */
  close(): Promise<void>;
}

/** Starts Floe: config, storage (migrated), every service on one port. */
export async function startServer(options: StartOptions = {}): Promise<FloeServer> {
  const config: FloeConfig = { ...loadConfig(options, options.env ?? process.env), ...options.overrides };
  if (!isLoopbackHost(config.host) && config.apiKeys.length === 0 && !config.allowPublicWithoutKeys) {
    throw new ConfigError(
      "host",
      "startup",
      `refusing to bind ${config.host} without API keys: set FLOE_API_KEYS, or FLOE_ALLOW_PUBLIC_WITHOUT_KEYS=true to accept the risk`,
    );
  }
  mkdirSync(config.workspace, { recursive: true });
  const fastify = Fastify({
    logger: { level: options.logLevel ?? (config.debug ? "debug" : "info") },
    bodyLimit: config.maxBodyBytes,
    // A log line per request costs more than a small RPC; DEBUG turns it on.
    logController: new LogController({ disableRequestLogging: !config.debug }),
    routerOptions: { constraints: { [CONNECT_UNARY_CONSTRAINT]: connectUnaryConstraint } },
    serverFactory: (handler) => new OnePortServer(handler as never) as never,
  }) as unknown as FastifyInstance;
  const database = await openDatabase(config.databaseUrl, config.workspace, (err) =>
    fastify.log.warn(
      { err: err.message },
      "a Postgres connection was closed by the server; the pool reconnects on the next query",
    ),
  );
  const app = createAppContext(config, database, fastify.log, options.env ?? process.env, options.permissionGate);
  await app.runs.recoverInterrupted();
  app.runtime.subscribe((next, prev) => fastify.log.info({ next, prev }, "runtime config changed"));

  if (isLoopbackHost(config.host)) {
    fastify.addHook("onRequest", async (req, reply) => {
      const host = (req.headers[":authority"] as string | undefined) ?? req.headers.host;
      if (!isAllowedHostHeader(host)) {
        await reply
          .code(403)
          .send({ error: `Host ${JSON.stringify(host)} is not allowed while Floe is bound to loopback` });
      }
    });
  }

  const { bindings, health } = createServiceBindings(app);
  // Every in-flight call listens on this signal; many concurrent streams are normal, not a leak.
  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal);
  fastify.addHook("preClose", async () => shutdown.abort(new ConnectError("server shutting down", Code.Unavailable)));
  const interceptors = [errorInterceptor(fastify.log), authInterceptor(config.apiKeys)];
  const contextValues = (req: FastifyRequest) => createContextValues().set(kLogger, req.log);
  // A misspelt field is an error the caller should see, not a silently ignored value.
  const jsonOptions = { ignoreUnknownFields: false };
  await fastify.register(fastifyCors, {
    origin: config.corsOrigins.includes("*") ? true : config.corsOrigins,
    credentials: true,
    methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    exposedHeaders: ["grpc-status", "grpc-message", "grpc-status-details-bin", "connect-protocol-version"],
  });
  await fastify.register(async (scope) =>
    connectUnaryFastPath(scope, bindings, {
      interceptors,
      contextValues,
      readMaxBytes: config.maxBodyBytes,
      jsonOptions,
    }),
  );
  await fastify.register(fastifyConnectPlugin, {
    routes: (router) => registerRoutes(router, bindings),
    interceptors,
    contextValues,
    readMaxBytes: config.maxBodyBytes,
    jsonOptions,
    shutdownSignal: shutdown.signal,
    grpcWeb: true,
    connect: true,
    grpc: true,
  });

  await registerCompat(fastify, new InProcessInvoker(bindings, interceptors, contextValues), config);
  await options.configure?.(fastify);
  await fastify.listen({ host: config.host, port: config.port });
  const address = fastify.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const urlHost = config.host.includes(":") ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    config,
    app,
    fastify,
    close() {
      closing ??= (async () => {
        health.shutdown();
        await app.runs.shutdown();
        await fastify.close();
        await app.events.close();
        await database.db.destroy();
      })();
      return closing;
    },
  };
}
