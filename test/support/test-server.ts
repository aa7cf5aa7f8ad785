import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FloeServer, type StartOptions, startServer } from "../../src/server/start-server.js";
import { createThrowawayDatabase, type ThrowawayDatabase } from "./postgres.js";

export type DialectUnderTest = "sqlite" | "postgres";
export const DIALECTS: DialectUnderTest[] = ["sqlite", "postgres"];

/** A workspace and (for Postgres) a database that outlive server restarts within one test. */
export interface TestEnv {
  workspace: string;
  databaseUrl: string;
  start(extra?: StartOptions): Promise<FloeServer>;
  cleanup(): Promise<void>;
}

/** An empty environment: a clean env (no FLOE_/OPENAI_ leaks from the shell) and a temp workspace. */
export async function createTestEnv(dialect: DialectUnderTest = "sqlite"): Promise<TestEnv> {
  const workspace = mkdtempSync(join(tmpdir(), "floe-test-"));
  let pgdb: ThrowawayDatabase | undefined;
  if (dialect === "postgres") pgdb = await createThrowawayDatabase();
  const servers: FloeServer[] = [];
  return {
    workspace,
    databaseUrl: pgdb?.url ?? "",
    async start(extra: StartOptions = {}) {
      const server = await startServer({
        workspace,
        port: 0,
        logLevel: "error",
        ...extra,
        // Tools act on the active root: keep it in the temp workspace, never the repository.
        env: {
          ...(extra.env?.PENGUIN_PROJECT_ROOT ? {} : { FLOE_PROJECT_ROOT: workspace }),
          ...(pgdb ? { FLOE_DATABASE_URL: pgdb.url } : {}),
          ...extra.env,
        },
      });
      servers.push(server);
      return server;
    },
    async cleanup() {
      await Promise.all(servers.map((s) => s.close()));
      await pgdb?.drop();
      rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/** POSTs a Connect JSON unary call with fetch; returns status and parsed body. */
export async function connectJson(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${baseUrl}/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export type PathCounts = { unary: number; grpc: number; stream: number; rejected: number };

/**
 * Reports, on each call, how many calls each fast-path route served since
 * the previous call. A test that compares the fast path with connect-fastify
 * asserts with it which path answered, so that it fails when the fast path
 * is bypassed.
 */
export function fastPathProbe(server: FloeServer): () => PathCounts {
  let before = server.fastPath.snapshot();
  return () => {
    const now = server.fastPath.snapshot();
    const served = {
      unary: now.unary - before.unary,
      grpc: now.grpc - before.grpc,
      stream: now.stream - before.stream,
      rejected: now.rejected - before.rejected,
    };
    before = now;
    return served;
  };
}

export const NONE: PathCounts = { unary: 0, grpc: 0, stream: 0, rejected: 0 };
