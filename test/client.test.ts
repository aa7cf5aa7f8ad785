import { afterEach, describe, expect, it } from "vitest";
import { createFloeClient } from "../clients/floe-client.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { reply } from "./support/fake-openai.js";

describe("the high-level Node client", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  it("asks, streams tokens and reads history, over Connect and gRPC, with an API key", async () => {
    const versions = new Set<string>();
    c = await createChatEnv({
      env: { FLOE_API_KEYS: "secret" },
      start: { configure: (f) => void f.addHook("onRequest", async (req) => void versions.add(req.raw.httpVersion)) },
    });
    const variants = [
      { protocol: "connect", expect: "2.0" },
      { protocol: "connect", httpVersion: "1.1", expect: "1.1" },
      { protocol: "grpc", expect: "2.0" },
    ] as const;
    for (const { expect: httpVersion, ...variant } of variants) {
      versions.clear();
      const floe = createFloeClient({ baseUrl: c.server.url, apiKey: "secret", ...variant });
      c.fake.enqueue(reply.text("asked"));
      const res = await floe.ask("hello");
      expect(res.response).toBe("asked");
      c.fake.enqueue(reply.text("streamed text", { delayMs: 5, chunkSize: 3 }));
      let printed = "";
      const kinds: string[] = [];
      for await (const e of floe.stream("more", { conversationId: res.conversationId }, (t) => (printed += t)))
        kinds.push(e.kind.case ?? "");
      expect(printed).toBe("streamed text");
      expect(kinds.at(-1)).toBe("complete");
      const history = await floe.conversations.getConversationHistory({ conversationId: res.conversationId });
      expect(history.messages.map((m) => m.content)).toEqual(["hello", "asked", "more", "streamed text"]);
      // Every call of this variant went over the HTTP version it stands for.
      expect([...versions], JSON.stringify(variant)).toEqual([httpVersion]);
    }
    const anonymous = createFloeClient({ baseUrl: c.server.url });
    await expect(anonymous.ask("no key")).rejects.toThrow(/API key/);
  });
});
