import { TaskState, type Task } from "@a2a-js/sdk";
import { ClientFactory } from "@a2a-js/sdk/client";
import { isLegacyAgentCard, LegacyJsonRpcTransport, parseLegacyAgentCard } from "@a2a-js/sdk/compat/v0_3/client";
import { afterEach, describe, expect, it } from "vitest";
import { textOf } from "../src/domain/a2a-parts.js";
import { drain, rpc, sendRequest } from "./support/a2a-env.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";

describe("A2A: Floe's agents as A2A agents, through the SDK's own client", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  it("publishes the default agent's card at the well-known path, so createFromUrl(<server url>) works as is", async () => {
    c = await createChatEnv();
    const client = await new ClientFactory().createFromUrl(c.server.url);
    const card = await client.getAgentCard();
    expect(card.name).toBe("default");
    expect(card.capabilities?.streaming).toBe(true);
    expect(card.supportedInterfaces.map((i) => [i.url, i.protocolBinding, i.protocolVersion])).toEqual([
      [`${c.server.url}/a2a`, "JSONRPC", "1.0"],
      [`${c.server.url}/a2a`, "JSONRPC", "0.3"],
    ]);
    // Every tool the agent is offered is a skill; without keys there is no auth scheme.
    expect(card.skills.map((s) => s.id)).toEqual(expect.arrayContaining(["read_file", "execute_command", "delegate"]));
    expect(card.securitySchemes ?? {}).toEqual({});
    expect(client.protocolVersion).toBe("1.0");
  });

  it("message/send runs the agent and answers with the completed task; tasks/get reads it back as the run", async () => {
    c = await createChatEnv();
    const client = await new ClientFactory().createFromUrl(c.server.url);
    c.fake.enqueue(reply.text("Paris is the capital."));
    const task = (await client.sendMessage(sendRequest("What is the capital of France?"))) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(textOf(task.artifacts[0]?.parts)).toBe("Paris is the capital.");
    expect(textOf(task.status?.message?.parts)).toBe("Paris is the capital.");
    expect(c.fake.requests.at(-1)!.messages.at(-1).content).toBe("What is the capital of France?");

    // The task is the run, its context the conversation: Floe's own API reports the same.
    const run = await c.chat.getRun({ runId: task.id });
    expect(run).toMatchObject({ conversationId: task.contextId, status: "completed", agentId: "default" });
    const got = await client.getTask({ tenant: "", id: task.id, historyLength: undefined });
    expect(got.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(got.contextId).toBe(task.contextId);
    expect(textOf(got.artifacts[0]?.parts)).toBe("Paris is the capital.");

    // The same contextId continues the conversation: the model sees the first turn.
    c.fake.enqueue(reply.text("About 2 million."));
    const next = (await client.sendMessage(sendRequest("And its population?", { contextId: task.contextId }))) as Task;
    expect(next.contextId).toBe(task.contextId);
    expect(next.id).not.toBe(task.id);
    const seen = c.fake.requests.at(-1)!.messages.map((m: { content: string }) => m.content);
    expect(seen).toEqual(expect.arrayContaining(["What is the capital of France?", "Paris is the capital."]));
  });

  it("message/stream streams the task, status updates, the answer as artifact chunks and one final status", async () => {
    c = await createChatEnv();
    const client = await new ClientFactory().createFromUrl(c.server.url);
    c.fake.enqueue(reply.text("Hello there, friend."));
    const events = await drain(client.sendMessageStream(sendRequest("hi")));
    const cases = events.map((e) => e.payload?.$case);
    expect(cases[0]).toBe("task");
    expect(cases[1]).toBe("statusUpdate");
    const first = events[0]!.payload!;
    if (first.$case !== "task") throw new Error("not a task");
    expect(first.value.status?.state).toBe(TaskState.TASK_STATE_SUBMITTED);
    // Chunks append to one artifact; the last chunk carries the whole answer.
    const chunks = events.flatMap((e) => (e.payload?.$case === "artifactUpdate" ? [e.payload.value] : []));
    expect(chunks.length).toBeGreaterThan(1);
    const appended = chunks.filter((a) => !a.lastChunk).map((a) => textOf(a.artifact?.parts));
    expect(appended.join("")).toBe("Hello there, friend.");
    expect(chunks.at(-1)).toMatchObject({ lastChunk: true, append: false });
    expect(textOf(chunks.at(-1)!.artifact?.parts)).toBe("Hello there, friend.");
    const states = events.flatMap((e) => (e.payload?.$case === "statusUpdate" ? [e.payload.value.status?.state] : []));
    expect(states[0]).toBe(TaskState.TASK_STATE_WORKING);
    expect(states.at(-1)).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(events.every((e) => JSON.stringify(e).includes(first.value.id))).toBe(true);
  });

  it("speaks A2A 0.3 too: message/send, tasks/get and message/stream with the SDK's v0.3 client", async () => {
    c = await createChatEnv();
    // Asked without A2A-Version 1.0, the card has 0.3's shape, which the SDK's 0.3 reader takes.
    const card03 = await (await fetch(`${c.server.url}/.well-known/agent-card.json`)).json();
    expect(card03).toMatchObject({
      protocolVersion: "0.3.0",
      url: `${c.server.url}/a2a`,
      preferredTransport: "JSONRPC",
    });
    expect(isLegacyAgentCard(card03)).toBe(true);
    const parsed = parseLegacyAgentCard(card03);
    expect(parsed.name).toBe("default");
    expect(parsed.supportedInterfaces[0]).toMatchObject({ url: `${c.server.url}/a2a`, protocolVersion: "0.3.0" });
    const legacy = new LegacyJsonRpcTransport({ endpoint: `${c.server.url}/a2a` });
    c.fake.enqueue(reply.text("Old but gold."));
    const task = (await legacy.sendMessage(sendRequest("hello from 0.3"))) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(textOf(task.artifacts[0]?.parts)).toBe("Old but gold.");
    const got = await legacy.getTask({ tenant: "", id: task.id, historyLength: undefined });
    expect(got.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    c.fake.enqueue(reply.text("Streamed."));
    const events = await drain(legacy.sendMessageStream(sendRequest("stream it")));
    expect(events.at(-1)!.payload).toMatchObject({ $case: "statusUpdate" });
    // The wire names are v0.3's.
    const raw = await rpc(`${c.server.url}/a2a`, {
      jsonrpc: "2.0",
      id: 7,
      method: "tasks/get",
      params: { id: task.id },
    });
    expect(raw.body).toMatchObject({
      jsonrpc: "2.0",
      id: 7,
      result: { id: task.id, kind: "task", status: { state: "completed" } },
    });
  });

  it("publishes every other agent under /a2a/agents/<id>, with its own endpoint", async () => {
    c = await createChatEnv();
    const created = await fetch(`${c.server.url}/api/v1/agents`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: "reviewer", system_prompt: "You review code.", default_tools: ["read_file", "grep"] }),
    });
    expect(created.status).toBe(200);
    const base = `${c.server.url}/a2a/agents/reviewer`;
    // The card path is resolved against the base URL: it ends with a slash.
    const client = await new ClientFactory().createFromUrl(`${base}/`);
    const card = await client.getAgentCard();
    expect(card.name).toBe("reviewer");
    expect(card.supportedInterfaces[0]!.url).toBe(base);
    expect(card.skills.map((s) => s.id)).toEqual(["read_file", "grep_search"]);
    c.fake.enqueue(reply.text("LGTM"));
    const task = (await client.sendMessage(sendRequest("review main.py"))) as Task;
    expect(textOf(task.artifacts[0]?.parts)).toBe("LGTM");
    expect(c.fake.requests.at(-1)!.messages[0]).toEqual({ role: "system", content: "You review code." });
    expect((await c.chat.getRun({ runId: task.id })).agentId).toBe("reviewer");
    // An agent that does not exist has no card.
    const missing = await fetch(`${c.server.url}/a2a/agents/nobody/.well-known/agent-card.json`);
    expect(missing.status).toBe(404);
  });

  it("tasks/resubscribe follows a live task from its first event to its end", async () => {
    c = await createChatEnv();
    const client = await new ClientFactory().createFromUrl(c.server.url);
    c.fake.enqueue(reply.stall(["Slow ", "answer"], 600));
    const started = (await client.sendMessage(sendRequest("take your time", { returnImmediately: true }))) as Task;
    expect(started.status?.state).not.toBe(TaskState.TASK_STATE_COMPLETED);
    const events = await drain(client.resubscribeTask({ tenant: "", id: started.id }));
    expect(events[0]!.payload).toMatchObject({ $case: "task", value: { id: started.id } });
    const last = events.at(-1)!.payload!;
    expect(last.$case === "statusUpdate" && last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    const chunks = events.flatMap((e) => (e.payload?.$case === "artifactUpdate" ? [e.payload.value] : []));
    expect(textOf(chunks.at(-1)!.artifact?.parts)).toBe("Slow answer");
    // An ended task has nothing to follow: tasks/get reads it.
    await expect(drain(client.resubscribeTask({ tenant: "", id: started.id }))).rejects.toThrow(/already ended/);
  });
});
