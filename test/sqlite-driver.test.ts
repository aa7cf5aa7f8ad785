import { afterEach, describe, expect, it } from "vitest";
import { connectJson, createTestEnv, type TestEnv } from "./support/test-server.js";

/**
 * SQLite is opened with better-sqlite3 13 on Node 22 and later (12 aborts
 * Node 24.19+ when its objects are collected outside JavaScript) and with 12
 * on Node 20. CI runs the suite on both, so each run checks its own choice.
 */
describe("the SQLite driver for this Node", () => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it("serves SQLite through the build that suits the running Node", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const major = Number(process.versions.node.split(".")[0]);
    expect(server.app.database.driver).toBe(major >= 22 ? "better-sqlite3@13" : "better-sqlite3@12");
    const created = await connectJson(server.url, "floe.v1.ConversationService/CreateConversation", { name: "d" });
    expect(created.status).toBe(200);
    const listed = await connectJson(server.url, "floe.v1.ConversationService/ListConversations", {});
    expect(listed.body.conversations.map((c: { name: string }) => c.name)).toEqual(["d"]);
  });

  it("reports pg for Postgres", async () => {
    env = await createTestEnv("postgres");
    const server = await env.start();
    expect(server.app.database.driver).toBe("pg");
  });
});
