import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type CompatEnv, createCompatEnv } from "./support/compat-env.js";
import { type Reply, reply } from "./support/fake-openai.js";

import { connectWs as connect, wsHandshake } from "./support/ws-client.js";

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  chunk: {
    id: "c",
    object: "chat.completion.chunk",
    created: 1,
    model: "m",
    choices: [{ index: 0, delta, finish_reason: finish }],
  },
});

describe("Penguin WebSocket /api/v1/chat/stream", () => {
  let c: CompatEnv;
  afterEach(async () => c?.cleanup());
  const wsUrl = () => `${c.server.url.replace("http", "ws")}/api/v1/chat/stream`;

  it("coalesces tokens into 5-character frames and flushes after 100 ms of silence", async () => {
    c = await createCompatEnv();
    c.fake.enqueue(reply.text("abcdefghij", { chunkSize: 1, delayMs: 25 }));
    const s = await connect(wsUrl());
    s.send({
      text: "Explain this code",
      agent_id: "code-expert",
      include_reasoning: true,
      max_iterations: 5,
      context_files: ["main.py"],
    });
    await s.until((f) => f.some((x) => x.event === "complete"));
    const tokens = s.frames.filter((f) => f.event === "token").map((f) => f.data.token);
    expect(tokens).toEqual(["abcde", "fghij"]);
    const kinds = s.frames.map((f) => f.event);
    expect(kinds[0]).toBe("start");
    expect(kinds).toContain("progress");
    expect(s.frames.find((f) => f.event === "progress")!.data).toEqual({ iteration: 1, max_iterations: 5 });
    expect(s.frames.at(-1)!.data).toMatchObject({ response: "abcdefghij", action_results: [], reasoning: "" });

    const pause: Reply = {
      steps: [
        chunk({ role: "assistant", content: "" }),
        chunk({ content: "ab" }),
        { delayMs: 300 },
        chunk({ content: "cdefg" }),
        chunk({}, "stop"),
      ],
    };
    c.fake.enqueue(pause);
    const before = s.frames.length;
    s.send({ text: "again", conversation_id: s.frames[0]!.data.conversation_id });
    await s.until((f) => f.slice(before).some((x) => x.event === "complete"));
    const second = s.frames.slice(before).filter((f) => f.event === "token");
    expect(second.map((f) => f.data.token)).toEqual(["ab", "cdefg"]);
    // "ab" was flushed by the idle timer, long before the next chunk arrived.
    expect(second[1]!.at - second[0]!.at).toBeGreaterThan(120);
    s.ws.close();
  });

  it("flushes pending tokens before a reasoning chunk and sends reasoning only when asked", async () => {
    c = await createCompatEnv();
    const mixed = (): Reply => ({
      steps: [
        chunk({ role: "assistant", content: "" }),
        chunk({ content: "ab" }),
        chunk({ reasoning_content: "think" }),
        chunk({ content: "cd" }),
        chunk({}, "stop"),
      ],
    });
    c.fake.enqueue(mixed(), mixed());
    const s = await connect(wsUrl());
    s.send({ text: "with reasoning", include_reasoning: true });
    await s.until((f) => f.some((x) => x.event === "complete"));
    const seq = s.frames
      .filter((f) => f.event === "token" || f.event === "reasoning")
      .map((f) => `${f.event}:${f.data.token}`);
    expect(seq).toEqual(["token:ab", "reasoning:think", "token:cd"]);
    expect(s.frames.at(-1)!.data.reasoning).toBe("think");
    const n = s.frames.length;
    s.send({ text: "without reasoning" });
    await s.until((f) => f.slice(n).some((x) => x.event === "complete"));
    expect(s.frames.slice(n).some((f) => f.event === "reasoning")).toBe(false);
    expect(
      s.frames
        .slice(n)
        .filter((f) => f.event === "token")
        .map((f) => f.data.token)
        .join(""),
    ).toBe("abcd");
  });

  it("handles several messages in order, answers bad input with error frames and stays open", async () => {
    c = await createCompatEnv();
    c.fake.enqueue(reply.text("first"), reply.text("second"));
    const s = await connect(wsUrl());
    s.send("{not json");
    s.send({ conversation_id: "x" });
    s.send({ text: "typed wrong", max_iterations: "five" });
    s.send({ text: "one" });
    s.send({ text: "two" });
    await s.until((f) => f.filter((x) => x.event === "complete").length === 2);
    const errors = s.frames.filter((f) => f.event === "error").map((f) => f.data.message);
    expect(errors[0]).toMatch(/^invalid JSON message/);
    expect(errors[1]).toBe("text is required: send the message content");
    expect(errors[2]).toContain("max_iterations");
    const completes = s.frames.filter((f) => f.event === "complete").map((f) => f.data.response);
    expect(completes).toEqual(["first", "second"]);
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
    const unknown = s.frames.length;
    s.send({ text: "x", conversation_id: "no-such-conversation" });
    await s.until((f) => f.length > unknown);
    expect(s.frames.at(-1)).toMatchObject({ event: "error", data: { message: expect.stringContaining("not found") } });
  });

  it("resumes on a new socket from the last seq seen, delivering the rest exactly once", async () => {
    c = await createCompatEnv();
    c.fake.enqueue(reply.text("0123456789abcdefghijklmnopqrstuvwxyz", { chunkSize: 1, delayMs: 15 }));
    const a = await connect(wsUrl());
    a.send({ text: "long one" });
    await a.until((f) => f.filter((x) => x.event === "token").length >= 2);
    a.ws.terminate();
    const got = a.frames
      .filter((f) => f.event === "token")
      .map((f) => f.data.token)
      .join("");
    const lastSeq = Math.max(...a.frames.filter((f) => f.seq).map((f) => f.seq!));
    const conversationId = a.frames[0]!.data.conversation_id;
    const b = await connect(wsUrl());
    b.send({ resume: { conversation_id: conversationId, after_seq: lastSeq } });
    await b.until((f) => f.some((x) => x.event === "complete"));
    const rest = b.frames
      .filter((f) => f.event === "token")
      .map((f) => f.data.token)
      .join("");
    expect(got + rest).toBe("0123456789abcdefghijklmnopqrstuvwxyz");
    expect(b.frames.every((f) => !f.seq || f.seq > lastSeq)).toBe(true);
    // A resume opens with a snapshot naming the runs still live.
    expect(b.frames[0]).toMatchObject({ event: "snapshot", data: { conversation_id: conversationId } });
    expect(b.frames[0]!.data.active_runs).toHaveLength(1);
    // Resuming from the end: the snapshot alone says nothing was missed.
    const endSeq = b.frames.at(-1)!.seq!;
    const d = await connect(wsUrl());
    d.send({ resume: { conversation_id: conversationId, after_seq: endSeq } });
    await d.until((f) => f.length > 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(d.frames.map((f) => f.event)).toEqual(["snapshot"]);
    expect(d.frames[0]!.data).toEqual({
      conversation_id: conversationId,
      latest_seq: endSeq,
      active_runs: [],
      pending_approvals: [],
    });
    d.ws.close();
  });

  it("refuses a WebSocket from a foreign origin at the handshake", async () => {
    c = await createCompatEnv({ PENGUIN_CORS_ORIGINS: "https://myapp.com" });
    const refused = await wsHandshake(wsUrl(), { origin: "https://evil.example" });
    expect(refused.status).toBe(403);
    const ok = await connect(wsUrl(), { origin: "https://myapp.com" });
    expect(ok.ws.readyState).toBe(WebSocket.OPEN);
    ok.ws.close();
  });
});
