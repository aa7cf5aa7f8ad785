import pg from "pg";
import { describe, expect, it } from "vitest";
import { AgentRegistry, newRecord } from "../src/agent/agent-registry.js";
import type { PgClusterBus } from "../src/events/pg-cluster-bus.js";
import { type AgentRecord, AgentRepository } from "../src/store/agent-repository.js";
import { reply } from "./support/fake-openai.js";
import { clusterPerTest } from "./support/cluster-env.js";
import { restCall, until } from "./support/rest.js";

/**
 * Agents are held in each instance's memory: a change stored on one instance
 * is announced, and the others read the agent again. Without that, B would
 * learn of an agent created on A only at its next start.
 */
describe("agents across instances on one Postgres", () => {
  const cluster = clusterPerTest();

  it("an agent created, paused and deleted on A is so on B", async () => {
    const { servers, fake } = await cluster.use(2);
    const [a, b] = servers.map(
      (s) => (method: string, path: string, body?: unknown) => restCall(s.url, method, path, body),
    );
    const created = await a!("POST", "/api/v1/agents", { id: "reviewer", system_prompt: "You review code." });
    expect(created.status).toBe(200);
    await until(async () => (await b!("GET", "/api/v1/agents/reviewer")).status === 200, "B to know reviewer");

    // B runs it with the prompt A registered.
    fake.enqueue(reply.text("Looks fine."));
    const chat = await b!("POST", "/api/v1/chat/message", { text: "Review this.", agent_id: "reviewer" });
    expect(chat.status).toBe(200);
    expect(chat.body).toMatchObject({ response: "Looks fine." });
    expect(fake.requests.at(-1)!.messages[0]).toEqual({ role: "system", content: "You review code." });

    expect((await a!("PATCH", "/api/v1/agents/reviewer", { paused: true })).status).toBe(200);
    await until(async () => (await b!("GET", "/api/v1/agents/reviewer")).body?.paused === true, "B to see the pause");
    const refused = await b!("POST", "/api/v1/chat/message", { text: "Again.", agent_id: "reviewer" });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ detail: expect.stringContaining('agent "reviewer" is paused') });

    expect((await a!("DELETE", "/api/v1/agents/reviewer")).status).toBe(200);
    await until(async () => (await b!("GET", "/api/v1/agents/reviewer")).status === 404, "B to see the delete");
    const ids = ((await b!("GET", "/api/v1/agents")).body as { id: string }[]).map((x) => x.id);
    expect(ids).not.toContain("reviewer");
  });

  it("B reads every agent again after its listening connection drops, so a missed announcement is not lost", async () => {
    const { servers, env } = await cluster.use(2);
    const b = servers[1]!;
    // A row no instance announced: only the catch-up after a reconnect can find it.
    await new AgentRepository(servers[0]!.app.database.db).insert(newRecord({ id: "unannounced" }));
    expect(b.app.agents.get("unannounced")).toBeUndefined();
    const bus = b.app.cluster as PgClusterBus;
    const pid = await bus.listenerPid();
    const admin = new pg.Client({ connectionString: env.databaseUrl });
    await admin.connect();
    await admin.query("select pg_terminate_backend($1)", [pid]);
    await admin.end();
    await until(
      async () => (await restCall(b.url, "GET", "/api/v1/agents/unannounced")).status === 200,
      "B to catch up",
    );
    expect(await bus.listenerPid()).not.toBe(pid);
  });

  it("an instance starting while another registers the default agent keeps the one stored, and starts", async () => {
    const { servers } = await cluster.use(1);
    const { database, conversations } = servers[0]!.app;
    const stored = (
      await database.db.selectFrom("agents").select("created_at").where("id", "=", "default").execute()
    )[0]!;
    // This instance read the agents before the other one stored `default`, as two processes starting together do.
    class ReadBeforeTheOther extends AgentRepository {
      override all(): Promise<AgentRecord[]> {
        return Promise.resolve([]);
      }
    }
    const registry = new AgentRegistry(new ReadBeforeTheOther(database.db), conversations);
    await registry.load([]);
    expect(registry.get("default")!.createdAt).toBe(stored.created_at);
    const rows = await database.db.selectFrom("agents").select("id").where("id", "=", "default").execute();
    expect(rows).toHaveLength(1);
  });

  it("a change on B keeps what A stored that B has not heard of yet", async () => {
    const { servers } = await cluster.use(2);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    expect((await restCall(a.url, "POST", "/api/v1/agents", { id: "reviewer", system_prompt: "v1" })).status).toBe(200);
    await until(() => b.app.agents.get("reviewer") !== undefined, "B to know reviewer");
    // A's pause is stored, and B has not heard of it yet (its announcement is in flight).
    await a.app.database.db.updateTable("agents").set({ paused: 1 }).where("id", "=", "reviewer").execute();
    expect(b.app.agents.get("reviewer")!.paused).toBe(false);
    const patched = await restCall(b.url, "PATCH", "/api/v1/agents/reviewer", { system_prompt: "v2" });
    expect(patched.body).toMatchObject({ system_prompt: "v2", paused: true });
    const row = await a.app.database.db
      .selectFrom("agents")
      .selectAll()
      .where("id", "=", "reviewer")
      .executeTakeFirst();
    expect(row).toMatchObject({ system_prompt: "v2", paused: 1 });
  });
});
