import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Client, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import type { Event } from "../gen/floe/v1/events_pb.js";
import type { FloeServer } from "../src/server/start-server.js";
import { collect } from "./support/chat-env.js";
import { type CutProxy, startCutProxy } from "./support/cut-proxy.js";
import { type FakeOpenAI, type Reply, reply, startFakeOpenAI } from "./support/fake-openai.js";
import { createTestEnv, type TestEnv } from "./support/test-server.js";

const B_KEY = "b-secret-key";
const QUESTION = "What is 2+2? Answer briefly.";

interface Instance {
  env: TestEnv;
  fake: FakeOpenAI;
  server: FloeServer;
  chat: Client<typeof ChatService>;
}

/** One Floe instance on its own SQLite workspace and its own fake model; `yaml` is its floe.yaml. */
async function instance(yaml: string[], env: Record<string, string> = {}): Promise<Instance> {
  const fake = await startFakeOpenAI();
  const t = await createTestEnv();
  writeFileSync(join(t.workspace, "floe.yaml"), yaml.join("\n"));
  const server = await t.start({
    env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "k", FLOE_MODEL: "fake", FLOE_MODEL_MAX_RETRIES: "0", ...env },
  });
  const chat = createClient(ChatService, createConnectTransport({ baseUrl: server.url, httpVersion: "2" }));
  return { env: t, fake, server, chat };
}

/** A's floe.yaml: B as a remote A2A agent, with B's key, and a rule that lets A's agents reach it. */
function aConfig(b: Instance, allow = true): string[] {
  return [
    "a2a_agents:",
    "  - name: b",
    `    url: ${b.server.url}`,
    `    api_key: ${B_KEY}`,
    ...(allow
      ? ["permissions:", "  rules:", "    - operation: network.a2a", '      pattern: "a2a:b"', "      result: allow"]
      : []),
  ];
}

/** A's model delegates QUESTION to a2a:b, then answers with what the tool returned. */
function aDelegates(body: Record<string, any>): Reply {
  const last = body.messages.at(-1);
  if (last.role === "tool") return reply.text(`B answered: ${last.content}`);
  return reply.toolCalls([{ name: "delegate", args: { agent_id: "a2a:b", content: QUESTION }, id: "call_b" }]);
}

const progressOf = (events: Event[]) =>
  events.flatMap((e) => (e.kind.case === "progress" && e.kind.value.message ? [e.kind.value.message] : []));

/** A floe.yaml naming the other instance as a remote A2A agent `name`, allowed to be reached. */
function peerConfig(name: string, url: string): string[] {
  return [
    "a2a_agents:",
    `  - name: ${name}`,
    `    url: ${url}`,
    "permissions:",
    "  rules:",
    "    - operation: network.a2a",
    `      pattern: "a2a:${name}"`,
    "      result: allow",
  ];
}

/** The model delegates `question` to a2a:<peer> when its user asks it to, answers a question put to it, and reports the tool's result. */
const delegatesTo = (peer: string, question: string) => (body: Record<string, any>) => {
  const last = body.messages.at(-1);
  if (last.role === "tool") return reply.text(`${peer} said: ${last.content}`);
  if (String(last.content).startsWith("question from")) return reply.text(`answer to ${last.content}`);
  return reply.toolCalls([{ name: "delegate", args: { agent_id: `a2a:${peer}`, content: question } }]);
};

describe("A2A delegation between two Floe instances", () => {
  const started: Instance[] = [];
  const proxies: CutProxy[] = [];
  afterEach(async () => {
    for (const p of proxies.splice(0)) await p.close();
    for (const i of started.splice(0)) {
      await i.env.cleanup();
      await i.fake.close();
    }
  });

  it("A's model delegates to B over A2A: B's answer is A's tool result, B's progress is on A's event stream", async () => {
    const b = await instance([`api_keys: [${B_KEY}]`]);
    started.push(b);
    b.fake.enqueue(reply.text("Four."));
    const a = await instance(aConfig(b));
    started.push(a);
    a.fake.respond(aDelegates);

    const res = await a.chat.sendMessage({ chat: { text: "Ask B what 2+2 is." } });
    expect(res.response).toBe("B answered: Four.");
    // B ran the task as written, through its own model.
    expect(b.fake.requests).toHaveLength(1);
    expect(b.fake.requests[0]!.messages.at(-1).content).toBe(QUESTION);
    // A's tool call was the delegate tool, and its result reached A's model.
    const toolMsg = a.fake.requests[1]!.messages.at(-1);
    expect(toolMsg).toMatchObject({ role: "tool", content: "Four." });

    const events = await collect(a.chat.subscribe({ conversationId: res.conversationId, endAfterLiveRuns: true }));
    const progress = progressOf(events);
    expect(progress[0]).toMatch(/^a2a:b: task [0-9a-f-]{36} submitted$/);
    expect(progress).toContain("a2a:b: working");
    expect(progress.at(-1)).toBe("a2a:b: completed: Four.");
    // The progress sits between the delegate call's start and its end.
    const remote = (e: Event) => e.kind.case === "progress" && e.kind.value.message.startsWith("a2a:b");
    const at = (k: string) => events.findIndex((e) => e.kind.case === k);
    expect(at("toolStart")).toBeLessThan(events.findIndex(remote));
    expect(events.findLastIndex(remote)).toBeLessThan(at("toolComplete"));

    // B's task is B's run: B reports it completed, with the same answer.
    const taskId = progress[0]!.split(" ")[2]!;
    const bRun = await b.chat.getRun({ runId: taskId }, { headers: { authorization: `Bearer ${B_KEY}` } });
    expect(bRun).toMatchObject({ status: "completed", result: { response: "Four." } });

    // The permission engine decided the delegation, and the audit log holds it.
    const audit = await a.server.app.audit.query({ limit: 50 });
    expect(audit.rows.find((r) => r.operation === "network.a2a")).toMatchObject({
      resource: "a2a:b",
      result: "allow",
      tool_name: "delegate",
    });
  });

  /**
   * Two instances, each naming the other as a remote A2A agent it may reach (`a2a:a`, `a2a:b`).
   * Each must know the other's URL before it starts, so A reaches B through a proxy that is
   * pointed at B once B listens: no port is picked ahead and lost to another process meanwhile.
   */
  async function mutualPair(): Promise<{ a: Instance; b: Instance }> {
    const toB = await startCutProxy("http://127.0.0.1:9");
    proxies.push(toB);
    const a = await instance(peerConfig("b", toB.url));
    started.push(a);
    const b = await instance(peerConfig("a", a.server.url));
    started.push(b);
    toB.retarget(b.server.url);
    return { a, b };
  }

  it("two instances delegate to each other: A asks B, and B asks A", async () => {
    const { a, b } = await mutualPair();
    a.fake.respond(delegatesTo("b", "question from A"));
    b.fake.respond(delegatesTo("a", "question from B"));
    const fromA = await a.chat.sendMessage({ chat: { text: "ask B" } });
    expect(fromA.response).toBe("b said: answer to question from A");
    const fromB = await b.chat.sendMessage({ chat: { text: "ask A" } });
    expect(fromB.response).toBe("a said: answer to question from B");
    // Each question was answered by the other instance's own model.
    expect(b.fake.requests.some((r) => r.messages.at(-1).content === "question from A")).toBe(true);
    expect(a.fake.requests.some((r) => r.messages.at(-1).content === "question from B")).toBe(true);
  });

  it("two servers whose agents keep delegating to each other stop after the hop limit", async () => {
    const { a, b } = await mutualPair();
    // Both models hand every task to the other server, and pass on whatever comes back.
    const always = (peer: string) => (body: Record<string, any>) => {
      const last = body.messages.at(-1);
      if (last.role === "tool") return reply.text(last.content);
      return reply.toolCalls([{ name: "delegate", args: { agent_id: `a2a:${peer}`, content: "pass it on" } }]);
    };
    a.fake.respond(always("b"));
    b.fake.respond(always("a"));
    const res = await a.chat.sendMessage({ chat: { text: "pass it on" } });
    expect(res.response).toMatch(/^not delegated to a2a:[ab]: 8 agent-to-agent hops led here \(at most 8\)/);
    // Nine runs in all (hops 0 to 8), each one model call to delegate and one to answer.
    const runs = [...a.fake.requests, ...b.fake.requests].filter((r) => r.messages.at(-1).role === "user");
    expect(runs).toHaveLength(9);
  }, 60_000);

  it("cancelling A's run cancels B's task", async () => {
    const b = await instance([`api_keys: [${B_KEY}]`]);
    started.push(b);
    b.fake.enqueue(reply.hang(30_000));
    const a = await instance(aConfig(b));
    started.push(a);
    a.fake.respond(aDelegates);

    const stream = a.chat.streamMessage({ chat: { text: "Ask B." } });
    const seen: Event[] = [];
    let runId = "";
    for await (const r of stream) {
      if (!r.event) continue;
      seen.push(r.event);
      runId ||= r.event.runId;
      if (progressOf(seen).includes("a2a:b: working")) break;
    }
    const taskId = progressOf(seen)[0]!.split(" ")[2]!;
    const cancelled = await a.chat.cancelRun({ runId });
    expect(cancelled.status).toBe("cancelled");
    const headers = { authorization: `Bearer ${B_KEY}` };
    const end = Date.now() + 10_000;
    let status = "";
    while (Date.now() < end && status !== "cancelled") {
      status = (await b.chat.getRun({ runId: taskId }, { headers })).status;
      await new Promise((f) => setTimeout(f, 50));
    }
    expect(status).toBe("cancelled");
  });

  it("without a rule, the delegation waits for a human approval of network.a2a, and a denial reaches the model", async () => {
    const b = await instance([]);
    started.push(b);
    const a = await instance(aConfig(b, false));
    started.push(a);
    a.fake.respond(aDelegates);
    const stream = a.chat.streamMessage({ chat: { text: "Ask B." } });
    const seen: Event[] = [];
    for await (const r of stream) {
      if (!r.event) continue;
      seen.push(r.event);
      const k = r.event.kind;
      if (k.case === "approvalRequired") {
        expect(k.value).toMatchObject({ operation: "network.a2a", resource: "a2a:b", toolName: "delegate" });
        await a.server.app.approvals.deny(k.value.requestId, "not to B");
      }
    }
    expect(seen.at(-1)!.kind).toMatchObject({ case: "complete" });
    expect(a.fake.requests[1]!.messages.at(-1).content).toMatch(/^permission denied/);
    expect(b.fake.requests).toHaveLength(0);
  });
});
