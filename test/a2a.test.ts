import { AGENT_CARD_PATH, type StreamResponse, type Task, TaskState } from "@a2a-js/sdk";
import { type Client, ClientFactory } from "@a2a-js/sdk/client";
import { afterEach, describe, expect, it } from "vitest";
import { textMessage, textOf } from "../src/domain/a2a-parts.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";

const send = (text: string, contextId?: string) => ({
  tenant: "",
  message: textMessage("user", text, { contextId }),
  configuration: undefined,
  metadata: undefined,
});

async function drain(stream: AsyncIterable<StreamResponse>): Promise<StreamResponse[]> {
  const out: StreamResponse[] = [];
  for await (const r of stream) out.push(r);
  return out;
}

describe("A2A: Floe's agents as A2A agents, through the SDK's own client", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  it("publishes the default agent's card at the well-known path, and message/send answers with a completed task", async () => {
    c = await createChatEnv();
    const client: Client = await new ClientFactory().createFromUrl(c.server.url);
    const card = await client.getAgentCard();
    expect(card.name).toBe("default");
    expect(card.capabilities?.streaming).toBe(true);
    expect(card.supportedInterfaces.map((i) => [i.url, i.protocolVersion])).toEqual([
      [`${c.server.url}/a2a`, "1.0"],
      [`${c.server.url}/a2a`, "0.3"],
    ]);
    expect(card.skills.map((s) => s.id)).toContain("read_file");
    expect(AGENT_CARD_PATH).toBe(".well-known/agent-card.json");

    c.fake.enqueue(reply.text("Paris is the capital."));
    const task = (await client.sendMessage(send("What is the capital of France?"))) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(textOf(task.artifacts[0]?.parts)).toBe("Paris is the capital.");
    expect(textOf(task.status?.message?.parts)).toBe("Paris is the capital.");
    expect(c.fake.requests.at(-1)!.messages.at(-1).content).toBe("What is the capital of France?");

    const got = await client.getTask({ tenant: "", id: task.id, historyLength: undefined });
    expect(got.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(got.contextId).toBe(task.contextId);
  });

  it("message/stream streams status updates and the answer as artifact chunks", async () => {
    c = await createChatEnv();
    const client = await new ClientFactory().createFromUrl(c.server.url);
    c.fake.enqueue(reply.text("Hello there, friend."));
    const events = await drain(client.sendMessageStream(send("hi")));
    const cases = events.map((e) => e.payload?.$case);
    expect(cases[0]).toBe("task");
    expect(cases).toContain("artifactUpdate");
    const last = events.at(-1)!.payload!;
    expect(last.$case).toBe("statusUpdate");
    console.log(
      JSON.stringify(
        events.map((e) => e.payload),
        null,
        0,
      ).slice(0, 3000),
    );
  });
});
