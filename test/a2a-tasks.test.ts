import { TaskState, type Task } from "@a2a-js/sdk";
import { ClientFactory } from "@a2a-js/sdk/client";
import { afterEach, describe, expect, it } from "vitest";
import { textOf } from "../src/domain/a2a-parts.js";
import { drain, rpc, sendRequest } from "./support/a2a-env.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { DIALECTS } from "./support/test-server.js";

const RM = "rm -rf ./build";

async function approve(c: ChatEnv, id: string): Promise<void> {
  const res = await fetch(`${c.server.url}/api/v1/approvals/${id}/approve`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ scope: "once" }),
  });
  expect(res.status).toBe(200);
}

describe("A2A tasks follow Floe's runs", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  it("tasks/cancel cancels a slow run; cancelling again answers the same; an ended task is not cancelable", async () => {
    c = await createChatEnv();
    const client = await new ClientFactory().createFromUrl(c.server.url);
    c.fake.enqueue(reply.hang(20_000));
    const started = (await client.sendMessage(sendRequest("think hard", { returnImmediately: true }))) as Task;
    expect([TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING]).toContain(started.status?.state);
    const cancelled = await client.cancelTask({ tenant: "", id: started.id, metadata: undefined });
    expect(cancelled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    // The run itself was cancelled, as Floe's API reports it.
    expect((await c.chat.getRun({ runId: started.id })).status).toBe("cancelled");
    const got = await client.getTask({ tenant: "", id: started.id, historyLength: undefined });
    expect(got.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    const again = await client.cancelTask({ tenant: "", id: started.id, metadata: undefined });
    expect(again.status?.state).toBe(TaskState.TASK_STATE_CANCELED);

    c.fake.enqueue(reply.text("done"));
    const done = (await client.sendMessage(sendRequest("quick one"))) as Task;
    const res = await rpc(
      `${c.server.url}/a2a`,
      { jsonrpc: "2.0", id: 3, method: "CancelTask", params: { id: done.id } },
      { "a2a-version": "1.0" },
    );
    expect(res.body).toMatchObject({ jsonrpc: "2.0", id: 3, error: { code: -32002 } });
    expect(res.body.error.message).toMatch(/already ended/);
  });

  it("a tool call that waits for an approval makes the task input-required; approving it lets the task complete", async () => {
    c = await createChatEnv();
    const client = await new ClientFactory().createFromUrl(c.server.url);
    c.fake.enqueue(reply.toolCalls([{ name: "execute_command", args: { command: RM } }]), reply.text("cleaned"));
    // message/send returns at input-required, as A2A's blocking send does; the run waits on.
    const task = (await client.sendMessage(sendRequest("clean the build"))) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const why = textOf(task.status?.message?.parts);
    expect(why).toMatch(/^approval apr_\w+ needed: execute_command wants process\.execute on "rm -rf \.\/build"/);
    const approvalId = /approval (apr_\w+)/.exec(why)![1]!;
    // tasks/get tells the same from the runs table and the pending approvals.
    const got = await client.getTask({ tenant: "", id: task.id, historyLength: undefined });
    expect(got.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(textOf(got.status?.message?.parts)).toContain(approvalId);

    // The stream of the live task shows the approval's resolution and the end.
    const following = drain(client.resubscribeTask({ tenant: "", id: task.id }));
    await new Promise((f) => setTimeout(f, 200));
    await approve(c, approvalId);
    const events = await following;
    const states = events.flatMap((e) => (e.payload?.$case === "statusUpdate" ? [e.payload.value.status?.state] : []));
    expect(states).toContain(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(states.at(-1)).toBe(TaskState.TASK_STATE_COMPLETED);
    const after = await client.getTask({ tenant: "", id: task.id, historyLength: undefined });
    expect(after.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(textOf(after.artifacts[0]?.parts)).toBe("cleaned");
  });

  it("message/stream goes on through input-required to the end once the approval is given", async () => {
    c = await createChatEnv();
    const client = await new ClientFactory().createFromUrl(c.server.url);
    c.fake.enqueue(reply.toolCalls([{ name: "execute_command", args: { command: RM } }]), reply.text("cleaned"));
    const states: TaskState[] = [];
    for await (const r of client.sendMessageStream(sendRequest("clean the build"))) {
      if (r.payload?.$case !== "statusUpdate") continue;
      const { status, metadata } = r.payload.value;
      states.push(status!.state);
      if (status!.state === TaskState.TASK_STATE_INPUT_REQUIRED) {
        expect(metadata?.floe?.approval).toMatchObject({ toolName: "execute_command", operation: "process.execute" });
        await approve(c, metadata!.floe.approval.id);
      }
    }
    expect(states).toContain(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(states.at(-1)).toBe(TaskState.TASK_STATE_COMPLETED);
  });

  it("a failed run is a failed task, with the run's error as its status message", async () => {
    c = await createChatEnv();
    const client = await new ClientFactory().createFromUrl(c.server.url);
    c.fake.enqueue(reply.httpError(400, "model says no"));
    const task = (await client.sendMessage(sendRequest("fail please"))) as Task;
    expect(task.status?.state).toBe(TaskState.TASK_STATE_FAILED);
    expect(textOf(task.status?.message?.parts)).toMatch(/model says no/);
    const got = await client.getTask({ tenant: "", id: task.id, historyLength: undefined });
    expect(got.status?.state).toBe(TaskState.TASK_STATE_FAILED);
  });

  it.each(DIALECTS)("tasks/get reads a task from the runs table after a restart (%s)", async (dialect) => {
    c = await createChatEnv({ dialect });
    c.fake.enqueue(reply.text("Remembered."));
    const first = await new ClientFactory().createFromUrl(c.server.url);
    const task = (await first.sendMessage(sendRequest("remember this"))) as Task;
    await c.server.close();
    const again = await c.env.start({
      env: { OPENAI_BASE_URL: c.fake.url, OPENAI_API_KEY: "k", FLOE_MODEL: "fake-model" },
    });
    const client = await new ClientFactory().createFromUrl(again.url);
    const got = await client.getTask({ tenant: "", id: task.id, historyLength: undefined });
    expect(got).toMatchObject({ id: task.id, contextId: task.contextId });
    expect(got.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(textOf(got.artifacts[0]?.parts)).toBe("Remembered.");
  });
});
