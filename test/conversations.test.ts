import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ConversationService } from "../gen/floe/v1/conversation_pb.js";
import { connectJson, createTestEnv, DIALECTS, type TestEnv } from "./support/test-server.js";

describe.each(DIALECTS)("conversations on %s", (dialect) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it("creates, lists, gets, reads history with filters and deletes over Connect JSON", async () => {
    env = await createTestEnv(dialect);
    const server = await env.start();
    const created = await connectJson(server.url, "floe.v1.ConversationService/CreateConversation", {
      name: "Debug Session",
      agent_id: "coder",
    });
    expect(created.status).toBe(200);
    const id: string = created.body.conversation.id;
    expect(created.body.conversation).toMatchObject({ name: "Debug Session", agentId: "coder" });

    // Messages arrive through the agent engine in later capabilities; seed them through the store.
    const repo = server.app.conversations;
    await repo.appendMessage(id, { role: "system", content: "be brief", agentId: "coder" });
    await repo.appendMessage(id, { role: "user", content: "hello", agentId: "coder", channel: "review" });
    await repo.appendMessage(id, {
      role: "assistant",
      content: "hi",
      agentId: "coder",
      channel: "review",
      messageType: "status",
    });
    await repo.appendMessage(id, { role: "user", content: "other agent", agentId: "tester" });

    const list = await connectJson(server.url, "floe.v1.ConversationService/ListConversations", {});
    expect(list.body.conversations.map((c: { id: string }) => c.id)).toEqual([id]);
    expect(list.body.conversations[0].messageCount).toBe(4);

    const got = await connectJson(server.url, "floe.v1.ConversationService/GetConversation", { conversation_id: id });
    expect(got.body.messages.map((m: { content: string }) => m.content)).toEqual([
      "be brief",
      "hello",
      "hi",
      "other agent",
    ]);

    const history = (filter: object) =>
      connectJson(server.url, "floe.v1.ConversationService/GetConversationHistory", {
        conversation_id: id,
        ...filter,
      }).then((r) => (r.body.messages ?? []).map((m: { content: string }) => m.content));
    expect(await history({})).toEqual(["be brief", "hello", "hi", "other agent"]);
    expect(await history({ include_system: false })).toEqual(["hello", "hi", "other agent"]);
    expect(await history({ limit: 2 })).toEqual(["hi", "other agent"]);
    expect(await history({ agent_id: "tester" })).toEqual(["other agent"]);
    expect(await history({ channel: "review" })).toEqual(["hello", "hi"]);
    expect(await history({ message_type: "status" })).toEqual(["hi"]);

    const del = await connectJson(server.url, "floe.v1.ConversationService/DeleteConversation", {
      conversation_id: id,
    });
    expect(del.status).toBe(200);
    const again = await connectJson(server.url, "floe.v1.ConversationService/GetConversation", { conversation_id: id });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe("not_found");
    const listAfter = await connectJson(server.url, "floe.v1.ConversationService/ListConversations", {});
    expect(listAfter.body.conversations ?? []).toEqual([]);
  });

  it("keeps conversations and messages across a restart", async () => {
    env = await createTestEnv(dialect);
    const first = await env.start();
    const client = createClient(
      ConversationService,
      createConnectTransport({ baseUrl: first.url, httpVersion: "1.1", useBinaryFormat: true }),
    );
    const { conversation } = await client.createConversation({ name: "durable" });
    await first.app.conversations.appendMessage(conversation!.id, {
      role: "user",
      content: "remember me",
      agentId: "default",
    });
    await first.close();

    const second = await env.start();
    const client2 = createClient(
      ConversationService,
      createConnectTransport({ baseUrl: second.url, httpVersion: "2" }),
    );
    const got = await client2.getConversation({ conversationId: conversation!.id });
    expect(got.conversation?.name).toBe("durable");
    expect(got.messages.map((m) => m.content)).toEqual(["remember me"]);
  });

  it("lists up to 1000 conversations by default on every surface, as the legacy documents' 'list all'", async () => {
    env = await createTestEnv(dialect);
    const server = await env.start();
    for (let i = 0; i < 105; i++) await server.app.conversations.create(`c${i}`, "default");
    const connect = await connectJson(server.url, "floe.v1.ConversationService/ListConversations", {});
    expect(connect.body.conversations).toHaveLength(105);
    const penguin = await (await fetch(`${server.url}/api/v1/conversations`)).json();
    expect(penguin.conversations).toHaveLength(105);
    const pawan = await (await fetch(`${server.url}/sessions`)).json();
    expect(pawan).toHaveLength(105);
    const limited = await connectJson(server.url, "floe.v1.ConversationService/ListConversations", { limit: 3 });
    expect(limited.body.conversations).toHaveLength(3);
    // A Pawan session takes the service's default name.
    const created = await (await fetch(`${server.url}/sessions`, { method: "POST" })).json();
    const got = await connectJson(server.url, "floe.v1.ConversationService/GetConversation", {
      conversation_id: created.session_id,
    });
    expect(got.body.conversation.name).toBe("New conversation");
  });
});
