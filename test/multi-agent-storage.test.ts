import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { AgentService } from "../gen/floe/v1/agent_pb.js";
import { MessageService, type SubscribeEventsResponse } from "../gen/floe/v1/message_pb.js";
import { TelemetryService } from "../gen/floe/v1/telemetry_pb.js";
import type { FloeServer } from "../src/server/start-server.js";
import { type FakeOpenAI, reply, startFakeOpenAI } from "./support/fake-openai.js";
import { createTestEnv, DIALECTS, type TestEnv } from "./support/test-server.js";

function clients(server: FloeServer) {
  const transport = createConnectTransport({ baseUrl: server.url, httpVersion: "2" });
  return {
    agents: createClient(AgentService, transport),
    messages: createClient(MessageService, transport),
    telemetry: createClient(TelemetryService, transport),
  };
}

/** Reads a feed stream until `n` stored events (cursor > 0) came, then stops it. */
async function storedEvents(stream: AsyncIterable<SubscribeEventsResponse>, n: number, ac: AbortController) {
  const out: SubscribeEventsResponse[] = [];
  for await (const r of stream) {
    if (r.cursor > 0n) out.push(r);
    if (out.length === n) break;
  }
  ac.abort();
  return out;
}

describe("agents, bus messages and the feed are stored", () => {
  let env: TestEnv;
  let fake: FakeOpenAI;
  afterEach(async () => {
    await env?.cleanup();
    await fake?.close();
  });

  it.each(DIALECTS)("survive a restart with cursors that continue, on %s", async (dialect) => {
    fake = await startFakeOpenAI();
    env = await createTestEnv(dialect);
    const start = () =>
      env.start({
        env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "k", FLOE_MODEL: "fake-model", FLOE_MODEL_MAX_RETRIES: "0" },
      });
    let server = await start();
    let c = clients(server);
    await c.agents.createAgent({ id: "scribe", systemPrompt: "You write things down." });
    await c.agents.registerAgentRole({ agentId: "scribe", role: "writer" });
    await c.agents.updateAgent({ agentId: "scribe", paused: true });
    const toHuman = await c.messages.sendToHuman({ message: { sender: "scribe", content: "first note" } });
    expect(toHuman.receipt).toMatchObject({ status: "sent", recipient: "human", runId: "" });
    await server.close();

    server = await start();
    c = clients(server);
    const { agent } = await c.agents.getAgent({ agentId: "scribe" });
    expect(agent).toMatchObject({
      id: "scribe",
      paused: true,
      roles: ["writer"],
      systemPrompt: "You write things down.",
    });
    await c.agents.updateAgent({ agentId: "scribe", paused: false });
    fake.enqueue(reply.text("noted", { usage: [3, 2] }));
    const sent = await c.messages.sendToAgent({
      agentId: "scribe",
      message: { content: "write this", sender: "human" },
    });
    expect(sent.receipt?.runId).not.toBe("");

    // Replay after the first cursor: what was stored before the restart, then the new events, in order.
    const replay = new AbortController();
    const got = await storedEvents(
      c.messages.subscribeEvents({ afterCursor: 1n }, { signal: replay.signal }),
      4,
      replay,
    );
    expect(got.map((r) => r.type)).toEqual(["human_message", "bus.message", "message", "message"]);
    const cursors = got.map((r) => Number(r.cursor));
    expect(cursors).toEqual([2, 3, 4, 5]);
    const answer = got[3]!.event!.kind;
    expect(answer.case === "message" && answer.value.message?.content).toBe("noted");

    const t = await c.telemetry.getTelemetry({ agentId: "scribe" });
    expect(t.telemetry?.agents.scribe).toMatchObject({ messagesSent: 1n, tasksCompleted: 1n });
    expect(t.telemetry?.tokens?.perAgent.scribe).toMatchObject({ prompt: 3n, completion: 2n });
  });
});
