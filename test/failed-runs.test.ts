import { Code, ConnectError } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import { RunFailureSchema } from "../gen/floe/v1/chat_pb.js";
import { type ChatEnv, createChatEnv } from "./support/chat-env.js";
import { type CompatEnv, createCompatEnv } from "./support/compat-env.js";
import { reply } from "./support/fake-openai.js";

/** A run that fails is an error on every unary surface, carrying its cause; never an empty success. */
describe("failed runs on the unary surfaces", () => {
  let c: ChatEnv | undefined;
  let compat: CompatEnv | undefined;
  afterEach(async () => {
    await c?.cleanup();
    await compat?.cleanup();
    c = compat = undefined;
  });

  it("answers Connect SendMessage with the run's code and message, and a RunFailure detail", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.httpError(500, "the model fell over"));
    const err = await c.chat
      .sendMessage({ chat: { text: "hi", requestId: "req-fail-1" } })
      .catch((e: unknown) => ConnectError.from(e));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Unavailable);
    expect((err as ConnectError).rawMessage).toContain("the model fell over");
    const [failure] = (err as ConnectError).findDetails(RunFailureSchema);
    expect(failure).toMatchObject({ status: "error", runId: expect.any(String), conversationId: expect.any(String) });
    // A retry of the same request id answers the same failure, from the stored result.
    const again = await c.chat
      .sendMessage({ chat: { text: "hi", requestId: "req-fail-1" } })
      .catch((e: unknown) => ConnectError.from(e));
    expect((again as ConnectError).code).toBe(Code.Unavailable);
    expect((again as ConnectError).findDetails(RunFailureSchema)[0]?.runId).toBe(failure!.runId);
    // The user's message is kept.
    const history = await c.server.app.conversations.all(failure!.conversationId);
    expect(history.map((m) => m.role)).toEqual(["user"]);
  });

  it("answers Penguin with the matching status and the cause, and Pawan with 500 and the cause", async () => {
    compat = await createCompatEnv();
    compat.fake.enqueue(reply.httpError(500, "the model fell over"));
    const penguin = await compat.call("POST", "/api/v1/chat/message", { text: "hi" });
    expect(penguin.status).toBe(503);
    expect(penguin.body).toEqual({ detail: expect.stringContaining("the model fell over") });
    compat.fake.enqueue(reply.httpError(429, "slow down"));
    const limited = await compat.call("POST", "/api/v1/chat/message", { text: "hi" });
    expect(limited).toMatchObject({ status: 429, body: { detail: expect.stringContaining("slow down") } });
    compat.fake.enqueue(reply.httpError(500, "the model fell over"));
    const pawan = await compat.call("POST", "/chat", { message: "hi" });
    expect(pawan.status).toBe(500);
    expect(pawan.body).toEqual({ error: expect.stringMatching(/^Failed to execute agent: .*the model fell over/) });
  });

  it("answers unknown routes in the shape of their surface", async () => {
    compat = await createCompatEnv();
    expect(await compat.call("GET", "/api/v1/no-such-route")).toMatchObject({
      status: 404,
      body: { detail: "Not Found" },
    });
    expect(await compat.call("POST", "/api/v1/chat/nope", { text: "x" })).toMatchObject({
      status: 404,
      body: { detail: "Not Found" },
    });
    expect(await compat.call("GET", "/no-such-route")).toMatchObject({ status: 404, body: { error: "Not Found" } });
    expect(await compat.call("GET", "/api/no-such-route")).toMatchObject({ status: 404, body: { error: "Not Found" } });
  });

  it("tells a model endpoint's refusal from the caller's own: unavailable, with a hint, never unauthenticated", async () => {
    c = await createChatEnv();
    c.fake.enqueue(reply.httpError(401, "bad api key"));
    const err = await c.chat.sendMessage({ chat: { text: "hi" } }).catch((e: unknown) => ConnectError.from(e));
    expect((err as ConnectError).code).toBe(Code.Unavailable);
    expect((err as ConnectError).rawMessage).toContain("api_key_env");
    c.fake.enqueue(reply.httpError(404, "no such model"));
    const missing = await c.chat.sendMessage({ chat: { text: "hi" } }).catch((e: unknown) => ConnectError.from(e));
    expect((missing as ConnectError).code).toBe(Code.FailedPrecondition);
  });

  it("answers unknown procedures as Connect and gRPC do, and bad bodies on unknown routes in their surface's shape", async () => {
    compat = await createCompatEnv();
    const connect = await fetch(`${compat.server.url}/floe.v1.ChatService/Nope`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(await connect.json()).toMatchObject({ code: "unimplemented" });
    const client = new grpc.Client(`127.0.0.1:${compat.server.port}`, grpc.credentials.createInsecure());
    const grpcErr = await new Promise<grpc.ServiceError>((resolve) =>
      client.makeUnaryRequest(
        "/floe.v1.ChatService/Nope",
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        (err) => resolve(err!),
      ),
    );
    client.close();
    expect(grpcErr.code).toBe(grpc.status.UNIMPLEMENTED);
    const badJson = await compat.call("POST", "/api/v1/nope", "{not json");
    // FastAPI's shape for a body that is not JSON: 422 with a detail list.
    expect(badJson.status).toBe(422);
    expect(badJson.body.detail).toEqual([expect.objectContaining({ loc: ["body"], type: "value_error.jsondecode" })]);
  });
});
