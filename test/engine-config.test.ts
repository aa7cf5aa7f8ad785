import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { ChatService } from "../gen/floe/v1/chat_pb.js";
import { ModelService } from "../gen/floe/v1/model_pb.js";
import { TOOL_NAMES } from "../src/domain/tool-names.js";
import { collect, kinds } from "./support/chat-env.js";
import { type FakeOpenAI, reply, startFakeOpenAI } from "./support/fake-openai.js";
import { createTestEnv, DIALECTS, type TestEnv } from "./support/test-server.js";

const PNG_1x1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

describe("engine: models, vision, agents, offline, durability", () => {
  let env: TestEnv;
  let fake: FakeOpenAI | undefined;
  afterEach(async () => {
    await env?.cleanup();
    await fake?.close();
    fake = undefined;
  });

  function configWithModels(url: string) {
    writeFileSync(
      join(env.workspace, "floe.yaml"),
      [
        "default_model: text",
        "models:",
        "  - id: text",
        "    name: acme/text-1",
        `    base_url: ${url}`,
        "  - id: eyes",
        "    name: acme/vision-1",
        `    base_url: ${url}`,
        "    vision_enabled: true",
        "    temperature: 0.3",
        "    max_output_tokens: 321",
        "agents:",
        "  - id: reader",
        "    system_prompt: You only read.",
        "    default_tools: [read_file, list_files]",
      ].join("\n"),
    );
  }

  it("sends images as content parts to a vision model and refuses them for a model without vision", async () => {
    fake = await startFakeOpenAI();
    env = await createTestEnv();
    configWithModels(fake.url);
    writeFileSync(join(env.workspace, "shot.png"), PNG_1x1);
    const server = await env.start({ env: { FLOE_MODEL_MAX_RETRIES: "0" } });
    const chat = createClient(ChatService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    const ok = await chat.sendMessage({ chat: { text: "what is this?", imagePath: "shot.png", model: "eyes" } });
    expect(ok.model).toBe("acme/vision-1");
    const req = fake.requests[0]!;
    expect(req).toMatchObject({ model: "acme/vision-1", temperature: 0.3, max_tokens: 321 });
    const user = req.messages.at(-1);
    expect(user.content[0]).toEqual({ type: "text", text: "what is this?" });
    expect(user.content[1].image_url.url).toBe(`data:image/png;base64,${PNG_1x1.toString("base64")}`);
    const refused = await chat
      .sendMessage({ chat: { text: "and this?", imagePath: "shot.png" } })
      .catch((e: unknown) => ConnectError.from(e));
    expect((refused as ConnectError).code).toBe(Code.InvalidArgument);
    expect((refused as ConnectError).rawMessage).toContain("does not accept images");
    expect(fake.requests).toHaveLength(1);
  });

  it("offers an agent only its default_tools, with its system prompt, and honours a per-request model override", async () => {
    fake = await startFakeOpenAI();
    env = await createTestEnv();
    configWithModels(fake.url);
    const server = await env.start();
    const chat = createClient(ChatService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    await chat.sendMessage({ chat: { text: "hi", agentId: "reader", model: "upstream/raw-name" } });
    const req = fake.requests[0]!;
    expect(req.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual(["read_file", "list_files"]);
    expect(req.messages[0]).toEqual({ role: "system", content: "You only read." });
    expect(req.model).toBe("upstream/raw-name");
    await chat.sendMessage({ chat: { text: "hi" } });
    // The default agent is offered every built-in tool.
    expect(fake.requests[1]!.tools.map((t: { function: { name: string } }) => t.function.name).sort()).toEqual(
      [...TOOL_NAMES].sort(),
    );
    expect(fake.requests[1]!.model).toBe("acme/text-1");
  });

  it("runs the offline model end to end when no model is configured, and lists it as such", async () => {
    env = await createTestEnv();
    writeFileSync(join(env.workspace, "README.txt"), "hello");
    const server = await env.start();
    const models = await createClient(
      ModelService,
      createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }),
    ).listModels({});
    expect(models.models.map((m) => [m.config?.id, m.config?.offline])).toEqual([["offline", true]]);
    const chat = createClient(ChatService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    const events = await collect(chat.streamMessage({ chat: { text: "what is here?", includeReasoning: true } }));
    const k = kinds(events);
    expect(k[0]).toBe("start");
    expect(k).toContain("reasoning");
    expect(k).toContain("toolStart");
    expect(k).toContain("toolComplete");
    expect(k).toContain("token");
    expect(k.at(-1)).toBe("complete");
    const done = events.at(-1)!.kind.value as { response: string; toolCalls: number };
    expect(done.response).toContain("offline model");
    expect(done.response).toContain("README.txt");
    expect(done.toolCalls).toBe(1);
  });

  it.each(DIALECTS)("keeps acknowledged events, messages and usage across a restart on %s", async (dialect) => {
    fake = await startFakeOpenAI();
    env = await createTestEnv(dialect);
    const envVars = { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "k" };
    const first = await env.start({ env: envVars });
    fake.enqueue(reply.toolCalls([{ name: "list_files", args: {} }]), reply.text("all good", { usage: [5, 3] }));
    const chat = createClient(ChatService, createConnectTransport({ baseUrl: first.url, httpVersion: "1.1" }));
    const live = await collect(chat.streamMessage({ chat: { text: "persist me" } }));
    await first.close();

    const second = await env.start({ env: envVars });
    const chat2 = createClient(ChatService, createConnectTransport({ baseUrl: second.url, httpVersion: "2" }));
    const replayed = [];
    for await (const r of chat2.subscribe({ conversationId: live[0]!.conversationId })) {
      if (r.event!.kind.case === "snapshot") continue;
      replayed.push(r.event!);
      if (r.event!.kind.case === "complete") break;
    }
    expect(replayed.map((e) => [Number(e.seq), e.kind.case])).toEqual(live.map((e) => [Number(e.seq), e.kind.case]));
    const history = await second.app.conversations.all(live[0]!.conversationId);
    expect(history.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant"]);
    expect((await second.app.usage.breakdown()).total).toEqual({ prompt: 18, completion: 8 });
  });

  it("cancels active runs at shutdown, each with one terminal event", async () => {
    fake = await startFakeOpenAI();
    env = await createTestEnv();
    const server = await env.start({ env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "k" } });
    fake.enqueue(reply.text("never finishes ".repeat(50), { chunkSize: 3, delayMs: 50 }));
    const chat = createClient(ChatService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    const events = [];
    for await (const r of chat.streamMessage({ chat: { text: "long" } })) {
      events.push(r.event!);
      if (r.event!.kind.case === "token") void server.close();
    }
    expect(kinds(events).at(-1)).toBe("cancelled");
    expect((events.at(-1)!.kind.value as { reason: string }).reason).toBe("server shutting down");
  });
});
