import { Code, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { AgentService } from "../gen/floe/v1/agent_pb.js";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { ConversationService } from "../gen/floe/v1/conversation_pb.js";
import { MessageService } from "../gen/floe/v1/message_pb.js";
import { type ChatEnv, collect, createChatEnv, kinds } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { DIALECTS } from "./support/test-server.js";

type Body = Record<string, any>;
const systemOf = (b: Body) => String(b.messages?.[0]?.content ?? "");

describe("multi-agent under concurrency and abuse", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());
  const clients = () => {
    const t = createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" });
    return {
      agents: createClient(AgentService, t),
      messages: createClient(MessageService, t),
      conversations: createClient(ConversationService, t),
      chat: createClient(ChatService, t),
      binary: createClient(
        MessageService,
        createConnectTransport({ baseUrl: c.server.url, httpVersion: "2", useBinaryFormat: true }),
      ),
    };
  };

  it.each(DIALECTS)(
    "keeps every concurrent change to an agent, and a deleted agent stays deleted, on %s",
    async (dialect) => {
      c = await createChatEnv({ dialect });
      const { agents } = clients();
      await agents.createAgent({ id: "busy" });
      await Promise.all([
        agents.updateAgent({ agentId: "busy", paused: true }),
        ...["a", "b", "c", "d"].map((role) => agents.registerAgentRole({ agentId: "busy", role })),
        agents.updateAgent({ agentId: "busy", persona: "Pat" }),
      ]);
      const { agent } = await agents.getAgent({ agentId: "busy" });
      expect(agent).toMatchObject({ paused: true, persona: "Pat" });
      expect([...agent!.roles].sort()).toEqual(["a", "b", "c", "d"]);

      await agents.createAgent({ id: "gone" });
      const [del, patch] = await Promise.allSettled([
        agents.deleteAgent({ agentId: "gone" }),
        agents.updateAgent({ agentId: "gone", paused: true }),
      ]);
      expect(del.status).toBe("fulfilled");
      expect(patch.status === "rejected" ? (patch.reason as { code: Code }).code : "fulfilled").toBe(Code.NotFound);
      await expect(agents.getAgent({ agentId: "gone" })).rejects.toMatchObject({ code: Code.NotFound });
      const rows = await c.server.app.database.db.selectFrom("agents").select("id").where("id", "=", "gone").execute();
      expect(rows).toEqual([]);

      // A parent deleted while a child is created under it: one of the two is refused.
      await agents.createAgent({ id: "p" });
      const [delP, child] = await Promise.allSettled([
        agents.deleteAgent({ agentId: "p" }),
        agents.createAgent({ id: "k", parent: "p" }),
      ]);
      expect([delP.status, child.status].filter((s) => s === "fulfilled")).toHaveLength(1);
      if (child.status === "fulfilled")
        expect((await agents.getAgent({ agentId: "p" })).agent?.children).toEqual(["k"]);
    },
  );

  it("stops two agents that keep messaging each other after 8 hops", async () => {
    c = await createChatEnv();
    const { agents, messages } = clients();
    await agents.createAgent({ id: "pa", systemPrompt: "You are pa.", defaultTools: ["send_message"] });
    await agents.createAgent({ id: "pb", systemPrompt: "You are pb.", defaultTools: ["send_message"] });
    // Each agent, every time it is woken, messages the other; after the tool result it answers.
    c.fake.respond((b) => {
      const last = b.messages.at(-1);
      if (last.role === "tool") return reply.text(`done: ${last.content}`);
      const other = systemOf(b) === "You are pa." ? "pb" : "pa";
      return reply.toolCalls([{ name: "send_message", args: { recipient: other, content: "ping" } }]);
    });
    await messages.routeMessage({ message: { recipient: "pa", content: "start" } });
    // 1 wake from the API plus 8 agent-to-agent hops, each 2 model calls; then the chain is refused.
    await expect.poll(() => c.fake.requests.length, { timeout: 10_000 }).toBe(18);
    await new Promise((r) => setTimeout(r, 300));
    expect(c.fake.requests).toHaveLength(18);
    const lastTool = c.fake.requests.at(-1)!.messages.at(-1);
    expect(lastTool.content).toMatch(/8 agent-to-agent messages in a row/);
  });

  it("isolates a broken usage report: one terminal event, and the run completes", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.text("fine", { usage: [-5, 7] }));
    const res = await c.chat.sendMessage({ chat: { text: "hi" } });
    expect(res.status).toBe("completed");
    const events = await collect(c.chat.subscribe({ conversationId: res.conversationId, endAfterLiveRuns: true }));
    expect(kinds(events).filter((k) => k === "complete" || k === "error" || k === "cancelled")).toEqual(["complete"]);
  });

  it("gives an agent a new main conversation when its old one was deleted", async () => {
    c = await createChatEnv();
    const { agents, messages, conversations } = clients();
    await agents.createAgent({ id: "solo" });
    await messages.sendToAgent({ agentId: "solo", message: { content: "one" } });
    const first = (await agents.getAgent({ agentId: "solo" })).agent!.conversationId;
    await expect.poll(async () => (await c.server.app.runs.all()).length).toBe(0);
    await conversations.deleteConversation({ conversationId: first });
    const again = await messages.sendToAgent({ agentId: "solo", message: { content: "two" } });
    expect(again.receipt?.runId).not.toBe("");
    const second = (await agents.getAgent({ agentId: "solo" })).agent!.conversationId;
    expect(second).not.toBe(first);
  });

  it("refuses bad feed cursors, non-finite metadata and a delegation cycle through parent_run_id", async () => {
    c = await createChatEnv();
    const { agents, messages, binary } = clients();
    const ahead = messages.subscribeEvents({ afterCursor: 1000n });
    await expect(ahead[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: Code.InvalidArgument });
    await expect(
      binary.routeMessage({ message: { recipient: "human", content: "x", metadata: { n: Number.POSITIVE_INFINITY } } }),
    ).rejects.toMatchObject({ code: Code.InvalidArgument, rawMessage: expect.stringMatching(/metadata/) });
    expect(await c.server.app.database.db.selectFrom("bus_messages").selectAll().execute()).toEqual([]);

    // default delegates to child; while the child's run is live, a delegation back to default under it is a cycle.
    await agents.createAgent({ id: "child" });
    c.fake.respond(() => reply.stall(["..."], 3000));
    const d = await agents.delegateTask({ agentId: "child", content: "work", parent: "default" });
    const cycle = agents.delegateTask({
      agentId: "default",
      content: "back up",
      parent: "child",
      parentRunId: d.runId,
    });
    await expect(cycle).rejects.toMatchObject({
      code: Code.FailedPrecondition,
      rawMessage: expect.stringMatching(/cycle/),
    });
    await c.chat.cancelRun({ runId: d.runId });
  });

  it("serves feed subscribers by push, and chat streams by iteration", async () => {
    c = await createChatEnv();
    const { messages } = clients();
    const before = c.server.fastPath.pushed;
    const ac = new AbortController();
    const sub = messages.subscribeEvents({}, { signal: ac.signal })[Symbol.asyncIterator]();
    expect((await sub.next()).value?.type).toBe("snapshot");
    await messages.sendToHuman({ message: { sender: "default", content: "pushed" } });
    expect((await sub.next()).value?.type).toBe("bus.message");
    expect(c.server.fastPath.pushed - before).toBe(1);
    ac.abort();
    await collect(c.chat.streamMessage({ chat: { text: "hi" } }));
    expect(c.server.fastPath.pushed - before).toBe(1);
  });

  it("forgets a deleted conversation's messages on the feed", async () => {
    c = await createChatEnv();
    const { messages, conversations } = clients();
    c.fake.enqueue(reply.text("noted"));
    const res = await c.chat.sendMessage({ chat: { text: "my secret is hunter2" } });
    await conversations.deleteConversation({ conversationId: res.conversationId });
    const ac = new AbortController();
    const seen: string[] = [];
    setTimeout(() => ac.abort(), 500);
    await (async () => {
      for await (const r of messages.subscribeEvents({ afterCursor: 0n }, { signal: ac.signal })) seen.push(r.type);
    })().catch(() => undefined);
    expect(seen).not.toContain("message");
    expect(seen[0]).toBe("snapshot");
  });
});
