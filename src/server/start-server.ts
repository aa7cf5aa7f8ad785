import { hostname } from "node:os";
import { newInstanceId } from "./cluster.js";
import { setMaxListeners } from "node:events";
import { mkdirSync } from "node:fs";
import { Code, ConnectError, createContextValues } from "@connectrpc/connect";
import { fastifyConnectPlugin } from "@connectrpc/connect-fastify";
import fastifyCors from "@fastify/cors";
import Fastify, { type FastifyInstance, type FastifyRequest, LogController } from "fastify";
import { InProcessInvoker } from "../compat/in-process-invoker.js";
import { registerCompat } from "../compat/register-compat.js";
import { ConfigError } from "../config/config-error.js";
import type { ConfigFlags, FloeConfig } from "../config/floe-config.js";
import { loadConfig } from "../config/load-config.js";
import {
  authInterceptor,
  corsOptions,
  requestGuardHook,
  isLoopbackHost,
  type PermissionGate,
  RequestGuards,
} from "../security/index.js";
import type { AppContext } from "../services/app-context.js";
import { createServiceBindings, registerRoutes, type ServiceBinding } from "../services/registry.js";
import { openDatabase } from "../store/database.js";
import { createAppContext } from "./create-app-context.js";
import {
  bindMethods,
  FAST_PATH_CONSTRAINT,
  FastPathCounters,
  fastPathConstraint,
  registerFastPath,
} from "./fast-path/index.js";
import { errorInterceptor, kLogger } from "./interceptors.js";
import { FloeMetrics, kSurface, rpcSurface } from "./metrics.js";
import { registerMetrics } from "./metrics-route.js";
import { OnePortServer } from "./one-port-server.js";
import { defaultWebRoot, registerWebUi } from "./web-ui.js";
import { watchMcpConfig } from "./mcp-config-watch.js";

export interface StartOptions extends ConfigFlags {
  /** Environment to read instead of process.env (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  /** Settings that beat every other source, for embedding and tests. */
  overrides?: Partial<FloeConfig>;
  /** pino level; default `debug` when DEBUG is set, else `info`. */
  logLevel?: string;
  /** Where log lines go instead of stdout (one JSON line per write), for embedders and tests. */
  logStream?: { write(line: string): void };
  /** Runs before listening, for embedders that add their own routes or hooks. */
  configure?: (fastify: FastifyInstance) => void | Promise<void>;
  /** Decides every tool call instead of the permission engine (embedders and tests). */
  permissionGate?: PermissionGate;
  /**
   * Serve eligible Connect and gRPC calls on Floe's fast path (default true).
   * False sends every call through connect-fastify: a diagnostic switch.
   */
  fastPath?: boolean;
  /**
   * Epoch milliseconds for time-based policies (checkpoint retention) and caches
   * (model discovery's time-to-live); tests pass a controlled one. Default Date.now.
   */
  clock?: () => number;
  /** The built web UI served at `/` (default `<package>/dist/web`, written by `npm run build:web`). */
  webRoot?: string;
}

export interface FloeServer {
  /** `http://host:port`, with the port actually bound. */
  url: string;
  port: number;
  config: FloeConfig;
  app: AppContext;
  fastify: FastifyInstance;
  /** Calls each fast-path route has served (all zero with `fastPath: false`). */
  fastPath: FastPathCounters;
  /** Graceful: stops accepting, ends streams, closes the database. Idempotent. */
  close(): Promise<void>;
}

/** Starts Floe: config, storage (migrated), every service on one port. */
export async function startServer(options: StartOptions = {}): Promise<FloeServer> {
  const env = options.env ?? process.env;
  // Named before the logger, so every log line says which instance wrote it.
  const config: FloeConfig = { ...loadConfig(options, env), ...options.overrides, instanceId: newInstanceId() };
  if (!isLoopbackHost(config.host) && config.apiKeys.length === 0 && !config.allowPublicWithoutKeys) {
    throw new ConfigError(
      "host",
      "startup",
      `refusing to bind ${config.host} without API keys: set FLOE_API_KEYS, or FLOE_ALLOW_PUBLIC_WITHOUT_KEYS=true to accept the risk`,
    );
  }
  mkdirSync(config.workspace, { recursive: true });
  const fastify = createFastify(config, options.logLevel, options.logStream);
  const database = await openDatabase(config.databaseUrl, config.workspace, (err) =>
    fastify.log.warn(
      { err: err.message },
      "a Postgres connection was closed by the server; the pool reconnects on the next query",
    ),
  );
  const app = createAppContext(config, database, fastify.log, env, options.permissionGate, options.clock);
  await app.cluster.start();
  await app.agents.load(config.agents);
  await app.models.restore(fastify.log);
  await app.feed.load();
  await app.runs.recoverInterrupted();
  // Several instances: the approvals and tasks of runs alive on another instance are left alone.
  const live = await app.runs.leases?.liveConversations();
  await app.approvals.recover(live ? (a) => live.has(a.conversation_id) : undefined);
  app.runs.leases?.start();
  await app.tasks.recoverInterrupted(live ? (id) => live.has(id) : undefined);
  await app.checkpoints.startRetention();
  app.runtime.subscribe((next, prev) => fastify.log.info({ next, prev }, "runtime config changed"));
  await app.mcp.start();
  const stopWatching = watchMcpConfig(options, env, app.mcp, fastify.log);
  const { bindings, health } = createServiceBindings(app);
  const counters = new FastPathCounters();
  const metrics = new FloeMetrics(app);
  await registerSurfaces(fastify, config, bindings, counters, options.fastPath ?? true, metrics);
  registerWebUi(fastify, options.webRoot ?? defaultWebRoot());
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
    fastPath: counters,
    close() {
      closing ??= (async () => {
        health.shutdown();
        // Several instances: live runs may finish here while new ones go to the other instances.
        if (app.cluster.shared) await app.runs.drain(config.drainGraceMs);
        await app.tasks.shutdown();
        app.checkpoints.stop();
        await app.runs.shutdown();
        stopWatching();
        await app.mcp.close();
        await app.runs.leases?.stop();
        // Every terminal event stored, then streams end cleanly: a client resumes on another instance.
        await app.events.flush();
        app.events.draining.abort();
        await fastify.close();
        await app.events.close();
        app.feed.close();
        await app.cluster.close();
        await database.db.destroy();
      })();
      return closing;
    },
  };
}

function createFastify(
  config: FloeConfig,
  logLevel: string | undefined,
  stream: StartOptions["logStream"],
): FastifyInstance {
  const base = { pid: process.pid, hostname: hostname(), instance: config.instanceId };
  return Fastify({
    logger: { level: logLevel ?? (config.debug ? "debug" : "info"), base, ...(stream ? { stream } : {}) },
    bodyLimit: config.maxBodyBytes,
    // A log line per request costs more than a small RPC; DEBUG turns it on.
    logController: new LogController({ disableRequestLogging: !config.debug }),
    routerOptions: { constraints: { [FAST_PATH_CONSTRAINT]: fastPathConstraint } },
    serverFactory: (handler) => new OnePortServer(handler as never, config.timeouts) as never,
  }) as unknown as FastifyInstance;
}

/**
 * Every surface on the one fastify instance: the guards, CORS, the fast path,
 * connect-fastify (Connect, gRPC, gRPC-Web) and the legacy JSON routes, all
 * calling the services through one interceptor chain.
 */
async function registerSurfaces(
  fastify: FastifyInstance,
  config: FloeConfig,
  bindings: readonly ServiceBinding[],
  counters: FastPathCounters,
  fastPath: boolean,
  metrics: FloeMetrics,
): Promise<void> {
  const guards = new RequestGuards(config);
  fastify.addHook("onRequest", requestGuardHook(guards));
  registerMetrics(fastify, metrics, guards);
  // Every in-flight call listens on this signal; many concurrent streams are normal, not a leak.
  const shutdown = new AbortController();
  setMaxListeners(0, shutdown.signal);
  fastify.addHook("preClose", async () => shutdown.abort(new ConnectError("server shutting down", Code.Unavailable)));
  const interceptors = [metrics.interceptor(), errorInterceptor(fastify.log), authInterceptor(guards)];
  const contextValues = (req: FastifyRequest) =>
    createContextValues().set(kLogger, req.log).set(kSurface, rpcSurface(req.headers["content-type"]));
  // A misspelt field is an error the caller should see, not a silently ignored value.
  const jsonOptions = { ignoreUnknownFields: false };
  const readMaxBytes = config.maxBodyBytes;
  const chains = bindMethods(bindings, interceptors);
  await fastify.register(fastifyCors, corsOptions(guards));
  if (fastPath) {
    const opts = { chains, contextValues, readMaxBytes, jsonOptions, counters };
    await fastify.register(async (scope) => registerFastPath(scope, opts));
  }
  await fastify.register(fastifyConnectPlugin, {
    routes: (router) => registerRoutes(router, bindings),
    interceptors,
    contextValues,
    readMaxBytes,
    jsonOptions,
    shutdownSignal: shutdown.signal,
    grpcWeb: true,
    connect: true,
    grpc: true,
  });
  const invoker = new InProcessInvoker(chains, (req) => contextValues(req).set(kSurface, "compat"));
  const limits = { maxBodyBytes: config.maxBodyBytes, maxUploadBytes: config.maxUploadBytes };
  await registerCompat(fastify, { invoker, guards, ...limits });
}
