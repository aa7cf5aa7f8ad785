import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { afterEach, describe, expect, it } from "vitest";
import { CoordinatorService } from "../gen/floe/v1/coordinator_pb.js";
import { type ChatEnv, collect, createChatEnv } from "./support/chat-env.js";
import { type Reply, reply } from "./support/fake-openai.js";
import { connectWs } from "./support/ws-client.js";
import { restCall, until } from "./support/rest.js";

type Body = Record<string, any>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const systemOf = (body: Body): string => String(body.messages?.[0]?.content ?? "");
const lastUser = (body: Body): string =>
  String([...(body.messages ?? [])].reverse().find((m: Body) => m.role === "user")?.content ?? "");
/** The prompt a coordinator message carries: the user message after its "Message from ..." line. */
const promptOf = (body: Body): string => lastUser(body).split("\n").slice(1).join("\n");
/** Each agent answers `answer from <its system prompt> to <the prompt>`. */
const answerer = (body: Body): Reply => reply.text(`answer from ${systemOf(body)} to ${promptOf(body)}`);
const UUID = /^[0-9a-f-]{36}$/;

describe("the coordinator: /api/v1/coord/* and CoordinatorService", () => {
  let c: ChatEnv;
  afterEach(async () => c?.cleanup());

  const call = (method: string, path: string, body?: unknown) => restCall(c.server.url, method, path, body);
  const coordinator = () =>
    createClient(CoordinatorService, createConnectTransport({ baseUrl: c.server.url, httpVersion: "2" }));
  /** Creates agents (system prompt `You are <id>.`) and registers each under its roles. */
  const team = async (members: Record<string, string[]>) => {
    for (const [id, roles] of Object.entries(members)) {
      expect((await call("POST", "/api/v1/agents", { id, system_prompt: `You are ${id}.` })).status).toBe(200);
      for (const role of roles) {
        const r = await call("POST", `/api/v1/agents/${id}/register`, { role });
        expect(r.status).toBe(200);
        expect(r.body).toEqual({ status: "registered", agent_id: id, role });
      }
    }
  };
  const answers = async (agentId: string) => {
    const h = await call("GET", `/api/v1/agents/${agentId}/history`);
    return (h.body?.messages ?? [])
      .filter((m: Body) => m.role === "assistant" && !m.tool_calls?.length)
      .map((m: Body) => m.content);
  };
  const requestsOf = (agentId: string) => c.fake.requests.filter((r) => systemOf(r) === `You are ${agentId}.`);

  it("registers roles, shown on the agent, once each", async () => {
    c = await createChatEnv();
    await team({ a1: ["writers", "reviewers"] });
    const again = await call("POST", "/api/v1/agents/a1/register", { role: "writers" });
    expect(again.status).toBe(200);
    const agent = await call("GET", "/api/v1/agents/a1");
    expect(agent.body!.roles).toEqual(["writers", "reviewers"]);
    const unknown = await call("POST", "/api/v1/agents/ghost/register", { role: "writers" });
    expect(unknown.status).toBe(404);
    const noRole = await call("POST", "/api/v1/agents/a1/register", { role: " " });
    expect(noRole.status).toBe(422);
  });

  it("send-role sends to every agent of the role: one step per agent, status sent, a run each", async () => {
    c = await createChatEnv();
    await team({ a1: ["writers"], a2: ["writers"], a3: ["reviewers"] });
    c.fake.respond(answerer);
    const feed = await connectWs(`${c.server.url.replace("http", "ws")}/api/v1/events/ws?include_ui=false`);
    await feed.until((f) => f[0]?.event === "snapshot");
    const res = await call("POST", "/api/v1/coord/send-role", { role: "writers", content: "draft the intro" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: "sent",
      steps: [
        {
          role: "writers",
          agent_id: "a1",
          prompt: "draft the intro",
          response: "",
          run_id: expect.stringMatching(UUID),
          status: "sent",
        },
        {
          role: "writers",
          agent_id: "a2",
          prompt: "draft the intro",
          response: "",
          run_id: expect.stringMatching(UUID),
          status: "sent",
        },
      ],
    });
    await until(async () => (await answers("a1")).length === 1 && (await answers("a2")).length === 1, "both runs");
    expect(await answers("a1")).toEqual(["answer from You are a1. to draft the intro"]);
    expect(lastUser(requestsOf("a2")[0]!)).toBe("Message from agent coordinator on channel writers:\ndraft the intro");
    expect(requestsOf("a3")).toHaveLength(0);
    // Each step is a bus message from the coordinator on the role's channel.
    await feed.until((f) => f.filter((x) => x.event === "bus.message").length === 2);
    expect(
      feed.frames
        .filter((f) => f.event === "bus.message")
        .map((f) => [f.data.sender, f.data.recipient, f.data.channel, f.data.content]),
    ).toEqual([
      ["coordinator", "a1", "writers", "draft the intro"],
      ["coordinator", "a2", "writers", "draft the intro"],
    ]);
    // The runs say the coordinator started them.
    const conversationId = (await call("GET", "/api/v1/agents/a1")).body!.conversation_id as string;
    const log = await collect(c.chat.subscribe({ conversationId, endAfterLiveRuns: true }));
    const start = log.find((e) => e.kind.case === "start")!;
    expect(start.runId).toBe(res.body!.steps[0].run_id);
    expect(start.kind.case === "start" && start.kind.value.cause).toMatchObject({
      kind: "coordinator",
      fromAgent: "coordinator",
      channel: "writers",
    });
    feed.ws.close();
  });

  it("broadcast sends to the agents of several roles, each agent once", async () => {
    c = await createChatEnv();
    await team({ a1: ["writers"], a2: ["writers", "reviewers"], a3: ["reviewers"], a4: ["testers"] });
    c.fake.respond(answerer);
    const res = await call("POST", "/api/v1/coord/broadcast", {
      roles: ["writers", "reviewers"],
      content: "status please",
      message_type: "status",
    });
    expect(res.status).toBe(200);
    expect(res.body!.status).toBe("sent");
    expect(res.body!.steps.map((s: Body) => [s.role, s.agent_id, s.status])).toEqual([
      ["writers", "a1", "sent"],
      ["writers", "a2", "sent"],
      ["reviewers", "a3", "sent"],
    ]);
    expect(new Set(res.body!.steps.map((s: Body) => s.run_id)).size).toBe(3);
    await until(
      async () => (await Promise.all(["a1", "a2", "a3"].map(answers))).every((a) => a.length === 1),
      "three runs",
    );
    expect(requestsOf("a2")).toHaveLength(1);
    expect(lastUser(requestsOf("a3")[0]!)).toBe(
      "status message from agent coordinator on channel reviewers:\nstatus please",
    );
    expect(requestsOf("a4")).toHaveLength(0);
  });

  it("rr-workflow hands the prompts to the role's agents in turn and answers each step's answer", async () => {
    c = await createChatEnv();
    await team({ a1: ["writers"], a2: ["writers"] });
    c.fake.respond(answerer);
    const feed = await connectWs(`${c.server.url.replace("http", "ws")}/api/v1/events/ws?agent_id=coordinator`);
    await feed.until((f) => f[0]?.event === "snapshot");
    const res = await call("POST", "/api/v1/coord/rr-workflow", { role: "writers", prompts: ["p1", "p2", "p3"] });
    expect(res.status).toBe(200);
    expect(res.body!.status).toBe("completed");
    expect(res.body!.steps.map((s: Body) => [s.agent_id, s.prompt, s.response, s.status])).toEqual([
      ["a1", "p1", "answer from You are a1. to p1", "completed"],
      ["a2", "p2", "answer from You are a2. to p2", "completed"],
      ["a1", "p3", "answer from You are a1. to p3", "completed"],
    ]);
    for (const s of res.body!.steps) expect(s).toMatchObject({ role: "writers", run_id: expect.stringMatching(UUID) });
    // One after the other: each prompt was sent once the previous answer was in.
    expect(c.fake.requests.map(promptOf)).toEqual(["p1", "p2", "p3"]);
    // a1's second turn ran in its main conversation, after its first.
    expect(requestsOf("a1")[1]!.messages.map((m: Body) => m.role)).toEqual(["system", "user", "assistant", "user"]);

    // Progress: status messages from the coordinator to the human, on the role's channel.
    await feed.until((f) => f.filter((x) => x.event === "human_message").length === 3);
    const progress = feed.frames.filter((f) => f.event === "human_message").map((f) => f.data);
    expect(progress.map((d) => [d.sender, d.message_type, d.channel, d.content])).toEqual([
      ["coordinator", "status", "writers", "round-robin writers: prompt 1/3 completed by a1"],
      ["coordinator", "status", "writers", "round-robin writers: prompt 2/3 completed by a2"],
      ["coordinator", "status", "writers", "round-robin writers: prompt 3/3 completed by a1"],
    ]);

    // The turn goes on from where it stopped.
    const next = await call("POST", "/api/v1/coord/rr-workflow", { role: "writers", prompts: ["p4"] });
    expect(next.body!.steps.map((s: Body) => s.agent_id)).toEqual(["a2"]);
    feed.ws.close();
  });

  it("role-chain feeds each role's answer to the next and answers final_response", async () => {
    c = await createChatEnv();
    await team({ planner: ["plan"], coder: ["code"], reviewer: ["review"] });
    c.fake.respond(answerer);
    const feed = await connectWs(`${c.server.url.replace("http", "ws")}/api/v1/events/ws?message_type=status`);
    await feed.until((f) => f[0]?.event === "snapshot");
    const res = await call("POST", "/api/v1/coord/role-chain", {
      roles: ["plan", "code", "review"],
      content: "build a parser",
    });
    expect(res.status).toBe(200);
    const first = "answer from You are planner. to build a parser";
    const second = `answer from You are coder. to ${first}`;
    const third = `answer from You are reviewer. to ${second}`;
    expect(res.body).toEqual({
      status: "completed",
      steps: [
        {
          role: "plan",
          agent_id: "planner",
          prompt: "build a parser",
          response: first,
          run_id: expect.any(String),
          status: "completed",
        },
        {
          role: "code",
          agent_id: "coder",
          prompt: first,
          response: second,
          run_id: expect.any(String),
          status: "completed",
        },
        {
          role: "review",
          agent_id: "reviewer",
          prompt: second,
          response: third,
          run_id: expect.any(String),
          status: "completed",
        },
      ],
      final_response: third,
    });
    await feed.until((f) => f.filter((x) => x.event === "human_message").length === 3);
    expect(feed.frames.filter((f) => f.event === "human_message").map((f) => f.data.content)).toEqual([
      "role chain: step 1/3 (plan) completed by planner",
      "role chain: step 2/3 (code) completed by coder",
      "role chain: step 3/3 (review) completed by reviewer",
    ]);
    feed.ws.close();
  });

  it("role-chain stops at a step whose run fails, with status error", async () => {
    c = await createChatEnv();
    await team({ planner: ["plan"], coder: ["code"], reviewer: ["review"] });
    c.fake.respond((b) => (systemOf(b) === "You are coder." ? reply.httpError(400, "model refused") : answerer(b)));
    const res = await call("POST", "/api/v1/coord/role-chain", { roles: ["plan", "code", "review"], content: "x" });
    expect(res.status).toBe(200);
    expect(res.body!.status).toBe("error");
    expect(res.body!.final_response).toBe("");
    expect(res.body!.steps.map((s: Body) => [s.agent_id, s.status])).toEqual([
      ["planner", "completed"],
      ["coder", "error"],
    ]);
    expect(res.body!.steps[1].response).toContain("model refused");
    expect(requestsOf("reviewer")).toHaveLength(0);
  });

  it("answers an unknown role with 404 and a role whose agents are all paused with 409, starting nothing", async () => {
    c = await createChatEnv();
    await team({ a1: ["writers"], a2: ["writers"], r1: ["reviewers"] });
    const noAgents = 'role "ghost" has no agents: register one with POST /api/v1/agents/{id}/register';
    for (const [path, body] of [
      ["/api/v1/coord/send-role", { role: "ghost", content: "x" }],
      ["/api/v1/coord/broadcast", { roles: ["writers", "ghost"], content: "x" }],
      ["/api/v1/coord/rr-workflow", { role: "ghost", prompts: ["x"] }],
      ["/api/v1/coord/role-chain", { roles: ["writers", "ghost"], content: "x" }],
    ] as const) {
      const r = await call("POST", path, body);
      expect([path, r.status, r.body]).toEqual([path, 404, { detail: noAgents }]);
    }
    for (const id of ["a1", "a2"]) {
      expect((await call("PATCH", `/api/v1/agents/${id}`, { paused: true })).body!.paused).toBe(true);
    }
    const paused = 'every agent of role "writers" is paused or inactive: a1, a2';
    for (const [path, body] of [
      ["/api/v1/coord/send-role", { role: "writers", content: "x" }],
      ["/api/v1/coord/broadcast", { roles: ["reviewers", "writers"], content: "x" }],
      ["/api/v1/coord/rr-workflow", { role: "writers", prompts: ["x"] }],
      ["/api/v1/coord/role-chain", { roles: ["reviewers", "writers"], content: "x" }],
    ] as const) {
      const r = await call("POST", path, body);
      expect([path, r.status, r.body]).toEqual([path, 409, { detail: paused }]);
    }
    // Bad input: the required fields.
    expect((await call("POST", "/api/v1/coord/send-role", { role: "writers" })).status).toBe(422);
    expect((await call("POST", "/api/v1/coord/rr-workflow", { role: "reviewers", prompts: [] })).status).toBe(422);
    expect((await call("POST", "/api/v1/coord/broadcast", { roles: [], content: "x" })).status).toBe(422);
    expect((await call("POST", "/api/v1/coord/role-chain", { roles: ["reviewers"] })).status).toBe(422);
    await sleep(200);
    expect(c.fake.requests).toHaveLength(0);
    expect(c.server.app.runs.all()).toHaveLength(0);

    // One agent resumed: the role works again, through that agent only.
    await call("PATCH", "/api/v1/agents/a2", { paused: false });
    const sent = await call("POST", "/api/v1/coord/send-role", { role: "writers", content: "only a2" });
    expect(sent.body!.steps.map((s: Body) => s.agent_id)).toEqual(["a2"]);
  });

  it("serves the workflows through the Connect CoordinatorService with the same rules", async () => {
    c = await createChatEnv();
    await team({ a1: ["writers"], a2: ["writers"], planner: ["plan"], coder: ["code"] });
    c.fake.respond(answerer);
    const coord = coordinator();
    const rr = await coord.roundRobinWorkflow({ role: "writers", prompts: ["one", "two"] });
    expect(rr.status).toBe("completed");
    expect(rr.steps.map((s) => [s.agentId, s.response])).toEqual([
      ["a1", "answer from You are a1. to one"],
      ["a2", "answer from You are a2. to two"],
    ]);
    const chain = await coord.roleChain({ roles: ["plan", "code"], content: "idea" });
    expect(chain.status).toBe("completed");
    expect(chain.finalResponse).toBe("answer from You are coder. to answer from You are planner. to idea");
    const sent = await coord.sendToRole({ role: "writers", content: "hi" });
    expect(sent.steps.map((s) => [s.agentId, s.status])).toEqual([
      ["a1", "sent"],
      ["a2", "sent"],
    ]);
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e) => ConnectError.from(e).code,
      );
    expect(await codeOf(coord.sendToRole({ role: "ghost", content: "x" }))).toBe(Code.NotFound);
    expect(await codeOf(coord.roleChain({ roles: [], content: "x" }))).toBe(Code.InvalidArgument);
    await call("PATCH", "/api/v1/agents/planner", { paused: true });
    expect(await codeOf(coord.roleChain({ roles: ["plan"], content: "x" }))).toBe(Code.FailedPrecondition);
  });

  it("a caller that goes away cancels the step in progress and starts no further step", async () => {
    c = await createChatEnv();
    await team({ a1: ["writers"], a2: ["writers"] });
    c.fake.respond((b) => (promptOf(b) === "p1" ? reply.hang(5000) : answerer(b)));
    const ac = new AbortController();
    const pending = coordinator()
      .roundRobinWorkflow({ role: "writers", prompts: ["p1", "p2", "p3"] }, { signal: ac.signal })
      .then(
        () => undefined,
        (e) => ConnectError.from(e).code,
      );
    await until(() => c.fake.requests.length === 1, "the first step's model call");
    ac.abort();
    expect(await pending).toBe(Code.Canceled);
    // The first step's run is cancelled...
    await until(() => c.server.app.runs.all().length === 0, "the run to end", 5000);
    const conversationId = (await call("GET", "/api/v1/agents/a1")).body!.conversation_id as string;
    const log = await collect(c.chat.subscribe({ conversationId, endAfterLiveRuns: true }));
    expect(log.map((e) => e.kind.case)).toContain("cancelled");
    // ...and the workflow goes no further: no run for p2 or p3.
    await sleep(500);
    expect(c.fake.requests.map(promptOf)).toEqual(["p1"]);
  });
});
