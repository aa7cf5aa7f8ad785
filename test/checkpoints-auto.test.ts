import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { CheckpointService } from "../gen/floe/v1/checkpoint_pb.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";
import { restCall } from "./support/rest.js";

describe("automatic checkpoints at message boundaries", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  const ckpts = () =>
    createClient(CheckpointService, createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }));
  const read = (name: string) => {
    const path = join(c.server.app.runtime.activeRoot, name);
    return existsSync(path) ? readFileSync(path, "utf8") : undefined;
  };

  it("takes one per stored message at frequency 1, each with the files as they were at that message", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.toolCalls([{ name: "write_file", args: { path: "f.txt", content: "v1\n" } }]));
    c.fake.enqueue(reply.toolCalls([{ name: "write_file", args: { path: "f.txt", content: "v2\n" } }]));
    c.fake.enqueue(reply.text("done"));
    const res = await c.chat.sendMessage({ chat: { text: "write twice" } });
    expect(res.status).toBe("completed");
    const conv = res.conversationId;
    expect(read("f.txt")).toBe("v2\n");

    const autos = (await ckpts().listCheckpoints({ sessionId: conv })).checkpoints.reverse();
    // user, tool request, its result, tool request, its result, answer: the writes land with their results.
    expect(autos.map((k) => [k.type, k.messageCount, k.fileCount])).toEqual([
      ["auto", 1, 0],
      ["auto", 2, 0],
      ["auto", 3, 1],
      ["auto", 4, 0],
      ["auto", 5, 1],
      ["auto", 6, 0],
    ]);

    const middle = await ckpts().rollbackCheckpoint({ checkpointId: autos[2]!.id });
    expect(middle).toMatchObject({ changedFiles: ["f.txt"], messageCount: 3 });
    expect(read("f.txt"), "as it was at the first tool result").toBe("v1\n");
    const history = await restCall(c.server.url, "GET", `/api/v1/conversations/${conv}/history`);
    expect(history.body!.messages.map((m: { role: string }) => m.role)).toEqual(["user", "assistant", "tool"]);

    await ckpts().rollbackCheckpoint({ checkpointId: autos[1]!.id });
    expect(read("f.txt"), "before the first write").toBeUndefined();
    await ckpts().rollbackCheckpoint({ checkpointId: autos[4]!.id });
    expect(read("f.txt"), "after the second write").toBe("v2\n");
  });
});
