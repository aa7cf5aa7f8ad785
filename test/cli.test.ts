import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { Health, HealthCheckResponse_ServingStatus } from "../gen/grpc/health/v1/health_pb.js";
import { floe, listening } from "./support/floe-process.js";
import { createThrowawayDatabase, PG_ADMIN_URL, type ThrowawayDatabase } from "./support/postgres.js";

function finish(p: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  p.stdout!.on("data", (d) => (stdout += d));
  p.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve) => p.on("close", (code) => resolve({ code, stdout, stderr })));
}

describe("the floe CLI", () => {
  let ws: string;
  let pgdb: ThrowawayDatabase | undefined;
  afterEach(async () => {
    if (ws) rmSync(ws, { recursive: true, force: true });
    await pgdb?.drop();
    pgdb = undefined;
  });

  it("prints --version and --help", async () => {
    const v = await finish(floe(["--version"]));
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const h = await finish(floe(["--help"]));
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("serve");
    const sh = await finish(floe(["serve", "--help"]));
    expect(sh.stdout).toMatch(/--workspace[\s\S]*--config[\s\S]*--host[\s\S]*--port/);
  });

  it("exits 2 with one clear line on a bad config", async () => {
    ws = mkdtempSync(join(tmpdir(), "floe-cli-"));
    writeFileSync(join(ws, "floe.yaml"), "port: not-a-port\n");
    const r = await finish(floe(["--workspace", ws]));
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^floe: config error: port \(.*floe\.yaml\): must be a port number/);
  });

  it("refuses to bind a public address without API keys", async () => {
    ws = mkdtempSync(join(tmpdir(), "floe-cli-"));
    const r = await finish(floe(["--workspace", ws, "--host", "0.0.0.0", "--port", "0"]));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("refusing to bind 0.0.0.0 without API keys");
  });

  it("serves, then shuts down gracefully on SIGTERM, ending open streams cleanly", async () => {
    ws = mkdtempSync(join(tmpdir(), "floe-cli-"));
    const p = floe(["serve", "--workspace", ws, "--port", "0"]);
    const done = finish(p);
    const url = await listening(p);
    const health = createClient(Health, createGrpcTransport({ baseUrl: url }));
    expect((await health.check({})).status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    const watched: HealthCheckResponse_ServingStatus[] = [];
    const watching = (async () => {
      for await (const r of health.watch({})) {
        watched.push(r.status);
        if (watched.length === 1) p.kill("SIGTERM");
      }
    })();
    await watching;
    expect(watched).toEqual([HealthCheckResponse_ServingStatus.SERVING, HealthCheckResponse_ServingStatus.NOT_SERVING]);
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("shutting down");
  });

  it("keeps serving when Postgres ends its connections, and says so in the log", async () => {
    ws = mkdtempSync(join(tmpdir(), "floe-cli-"));
    pgdb = await createThrowawayDatabase();
    const p = floe(["serve", "--workspace", ws, "--port", "0"], { FLOE_DATABASE_URL: pgdb.url });
    const done = finish(p);
    const url = await listening(p);
    const create = (name: string) =>
      fetch(`${url}/floe.v1.ConversationService/CreateConversation`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
    expect((await create("before")).status).toBe(200);

    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      const name = new URL(pgdb.url).pathname.slice(1);
      const ended = await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", [
        name,
      ]);
      expect(ended.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    await new Promise((r) => setTimeout(r, 200));

    expect(p.exitCode).toBeNull();
    const after = await create("after");
    expect(after.status).toBe(200);
    const list = await fetch(`${url}/floe.v1.ConversationService/ListConversations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const names = ((await list.json()) as { conversations: { name: string }[] }).conversations
      .map((c) => c.name)
      .sort();
    expect(names).toEqual(["after", "before"]);

    p.kill("SIGTERM");
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("a Postgres connection was closed by the server");
  });
});
