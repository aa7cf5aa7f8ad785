import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import type { Event } from "../gen/floe/v1/events_pb.js";
import { SecurityService } from "../gen/floe/v1/security_pb.js";
import { type ClusterEnv, createClusterEnv } from "./support/cluster-env.js";
import { reply } from "./support/fake-openai.js";

let c: ClusterEnv | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

type Chat = NonNullable<ClusterEnv["chats"][0]>;
const TERMINAL = ["complete", "error", "cancelled"];
const RM = "rm -rf ./build";

/** Reads a stream into `into` until `stop` says so; resolves with what it read. */
async function readUntil(
  it: AsyncIterator<{ event?: Event }>,
  into: Event[],
  stop: (e: Event) => boolean,
): Promise<Event[]> {
  for (let r = await it.next(); !r.done; r = await it.next()) {
    if (!r.value.event) continue;
    into.push(r.value.event);
    if (stop(r.value.event)) break;
  }
  return into;
}

const security = (url: string) =>
  createClient(SecurityService, createConnectTransport({ baseUrl: url, httpVersion: "2" }));

/** A run on A whose model asks to run `rm -rf ./build`; resolves once it waits for a human. */
async function askingRunOnA(c: ClusterEnv) {
  const [a] = c.chats as [Chat, Chat];
  mkdirSync(join(c.servers[0]!.app.runtime.activeRoot, "build"), { recursive: true });
  c.fake.enqueue(reply.toolCalls([{ name: "execute_command", args: { command: RM } }]), reply.text("finished"));
  const it = a.streamMessage({ chat: { text: "clean the build" } })[Symbol.asyncIterator]();
  const seen = await readUntil(it, [], (e) => e.kind.case === "approvalRequired");
  const asked = seen.at(-1)!;
  if (asked.kind.case !== "approvalRequired") throw new Error("no approval asked");
  return { it, seen, requestId: asked.kind.value.requestId };
}

describe("control across instances (Postgres)", () => {
  it("a cancel sent to B stops the run executing on A, and B answers how it ended", async () => {
    c = await createClusterEnv(2);
    const [a, b] = c.chats as [Chat, Chat];
    c.fake.enqueue(reply.stall(["working "], 60_000));
    const it = a.streamMessage({ chat: { text: "long job" } })[Symbol.asyncIterator]();
    const seen = await readUntil(it, [], (e) => e.kind.case === "token");
    const runId = seen[0]!.runId;
    // B runs nothing: the answer comes from the owner, through the bus.
    expect(c.servers[1]!.app.runs.find(runId)).toBeUndefined();
    const answer = await b.cancelRun({ runId });
    expect(answer).toMatchObject({ runId, status: "cancelled", cancelled: true });
    await readUntil(it, seen, (e) => TERMINAL.includes(e.kind.case ?? ""));
    expect(seen.filter((e) => TERMINAL.includes(e.kind.case ?? "")).map((e) => e.kind.case)).toEqual(["cancelled"]);
    // Idempotent: a second cancel on B reports the ended run.
    expect(await b.cancelRun({ runId })).toMatchObject({ runId, status: "cancelled", cancelled: false });
  });

  it("a cancel by conversation sent to B finds the run A holds", async () => {
    c = await createClusterEnv(2);
    const [a, b] = c.chats as [Chat, Chat];
    c.fake.enqueue(reply.stall(["working "], 60_000));
    const it = a.streamMessage({ chat: { text: "long job" } })[Symbol.asyncIterator]();
    const seen = await readUntil(it, [], (e) => e.kind.case === "token");
    const { runId, conversationId } = seen[0]!;
    expect(await b.cancelRun({ conversationId })).toMatchObject({ runId, cancelled: true });
    await readUntil(it, seen, (e) => TERMINAL.includes(e.kind.case ?? ""));
    expect(seen.at(-1)!.kind.case).toBe("cancelled");
  });

  it("an approval sent to B lets the tool call waiting on A run", async () => {
    c = await createClusterEnv(2);
    const { it, seen, requestId } = await askingRunOnA(c);
    const approved = await security(c.servers[1]!.url).approve({ requestId, scope: "once" });
    expect(approved).toMatchObject({ status: "approved", requestId, scope: "once" });
    await readUntil(it, seen, (e) => TERMINAL.includes(e.kind.case ?? ""));
    const resolved = seen.find((e) => e.kind.case === "approvalResolved");
    expect(resolved?.kind.value).toMatchObject({ requestId, status: "approved" });
    expect(seen.at(-1)!.kind).toMatchObject({ case: "complete", value: { response: "finished" } });
    expect(existsSync(join(c.servers[0]!.app.runtime.activeRoot, "build"))).toBe(false);
  });

  it("a denial sent to B reaches the model on A as a tool error", async () => {
    c = await createClusterEnv(2);
    const { it, seen, requestId } = await askingRunOnA(c);
    expect(await security(c.servers[1]!.url).deny({ requestId, reason: "not now" })).toMatchObject({
      status: "denied",
    });
    await readUntil(it, seen, (e) => TERMINAL.includes(e.kind.case ?? ""));
    expect(seen.find((e) => e.kind.case === "approvalResolved")?.kind.value).toMatchObject({ status: "denied" });
    expect(seen.at(-1)!.kind.case).toBe("complete");
    expect(existsSync(join(c.servers[0]!.app.runtime.activeRoot, "build"))).toBe(true);
    // The model heard the refusal as the tool's result.
    expect(JSON.stringify(c.fake.requests.at(-1)!.messages)).toContain("not now");
  });
});
