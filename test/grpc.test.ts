import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import {
  ConversationService,
  GetConversationRequestSchema,
  GetConversationResponseSchema,
} from "../gen/floe/v1/conversation_pb.js";
import { ModelService } from "../gen/floe/v1/model_pb.js";
import {
  HealthCheckRequestSchema,
  HealthCheckResponse_ServingStatus,
  HealthCheckResponseSchema,
} from "../gen/grpc/health/v1/health_pb.js";
import { ServerReflection } from "../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ServerReflectionAlpha } from "../gen/grpc/reflection/v1alpha/reflection_pb.js";
import { connectJson, createTestEnv, fastPathProbe, NONE, type TestEnv } from "./support/test-server.js";

const run = promisify(execFile);

/** Calls a unary method with @grpc/grpc-js, an independent gRPC implementation. */
function grpcJsUnary(address: string, path: string, request: Uint8Array): Promise<Buffer> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      (b: Uint8Array) => Buffer.from(b),
      (b: Buffer) => b,
      request,
      (err, res) => {
        client.close();
        if (err) reject(err);
        else resolve(res!);
      },
    );
  });
}

describe("gRPC, gRPC-Web and reflection on the shared port", () => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it("answers grpc.health.v1.Health/Check over gRPC (grpc-js)", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const served = fastPathProbe(server);
    const req = toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, {}));
    const res = fromBinary(
      HealthCheckResponseSchema,
      await grpcJsUnary(`127.0.0.1:${server.port}`, "/grpc.health.v1.Health/Check", req),
    );
    expect(res.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
    const unknown = grpcJsUnary(
      `127.0.0.1:${server.port}`,
      "/grpc.health.v1.Health/Check",
      toBinary(HealthCheckRequestSchema, create(HealthCheckRequestSchema, { service: "nope.Service" })),
    );
    await expect(unknown).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
    // gRPC unary over HTTP/2 without a deadline is Floe's fast path.
    expect(served()).toEqual({ ...NONE, grpc: 2 });
  });

  it("lists the floe.v1 services through reflection v1 and v1alpha, with file descriptors", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const served = fastPathProbe(server);
    const transport = createGrpcTransport({ baseUrl: server.url });
    for (const svc of [ServerReflection, ServerReflectionAlpha]) {
      const client = createClient(svc, transport);
      const responses = [];
      async function* requests() {
        yield { messageRequest: { case: "listServices" as const, value: "" } };
        yield { messageRequest: { case: "fileContainingSymbol" as const, value: "floe.v1.ConversationService" } };
        yield { messageRequest: { case: "fileContainingSymbol" as const, value: "floe.v1.Nope" } };
      }
      for await (const r of client.serverReflectionInfo(requests())) responses.push(r);
      expect(responses).toHaveLength(3);
      const list = responses[0]!.messageResponse;
      expect(list.case).toBe("listServicesResponse");
      const names = list.case === "listServicesResponse" ? list.value.service.map((s) => s.name) : [];
      expect(names).toEqual(
        expect.arrayContaining([
          "floe.v1.ChatService",
          "floe.v1.ConversationService",
          "floe.v1.SystemService",
          "grpc.health.v1.Health",
        ]),
      );
      const files = responses[1]!.messageResponse;
      expect(files.case).toBe("fileDescriptorResponse");
      // conversation.proto plus its import common.proto (and that one's imports).
      expect(files.case === "fileDescriptorResponse" && files.value.fileDescriptorProto.length).toBeGreaterThanOrEqual(
        2,
      );
      expect(responses[2]!.messageResponse.case).toBe("errorResponse");
    }
    // Bidi streams are connect-fastify's.
    expect(served()).toEqual(NONE);
  });

  it("creates a conversation with Connect JSON that gRPC clients in Node and Python read back", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const served = fastPathProbe(server);
    const created = await connectJson(server.url, "floe.v1.ConversationService/CreateConversation", {
      name: "cross-protocol",
    });
    const id = created.body.conversation.id as string;

    const viaConnectGrpc = await createClient(
      ConversationService,
      createGrpcTransport({ baseUrl: server.url }),
    ).getConversation({ conversationId: id });
    expect(viaConnectGrpc.conversation?.name).toBe("cross-protocol");

    const reqBytes = toBinary(
      GetConversationRequestSchema,
      create(GetConversationRequestSchema, { conversationId: id }),
    );
    const viaGrpcJs = fromBinary(
      GetConversationResponseSchema,
      await grpcJsUnary(`127.0.0.1:${server.port}`, "/floe.v1.ConversationService/GetConversation", reqBytes),
    );
    expect(viaGrpcJs.conversation?.name).toBe("cross-protocol");

    const script = fileURLToPath(new URL("./support/python-grpc-call.py", import.meta.url));
    const { stdout } = await run("/usr/bin/python3", [
      script,
      `127.0.0.1:${server.port}`,
      "/floe.v1.ConversationService/GetConversation",
      Buffer.from(reqBytes).toString("hex"),
    ]);
    const viaPython = fromBinary(GetConversationResponseSchema, Buffer.from(stdout.trim(), "hex"));
    expect(viaPython.conversation?.id).toBe(id);
    expect(viaPython.conversation?.name).toBe("cross-protocol");

    const missing = await run("/usr/bin/python3", [
      script,
      `127.0.0.1:${server.port}`,
      "/floe.v1.ConversationService/GetConversation",
      Buffer.from(
        toBinary(GetConversationRequestSchema, create(GetConversationRequestSchema, { conversationId: "nope" })),
      ).toString("hex"),
    ]);
    expect(missing.stdout).toMatch(/^ERROR NOT_FOUND conversation "nope" not found/);
    // The Connect JSON call and the gRPC calls of connect-node, grpc-js and Python (whose two calls carry a
    // deadline) all took the fast path.
    expect(served()).toEqual({ ...NONE, unary: 1, grpc: 4 });
  });

  it("serves gRPC-Web over HTTP/1.1 and Connect binary over HTTP/2", async () => {
    env = await createTestEnv();
    const server = await env.start();
    const served = fastPathProbe(server);
    const web = createClient(ModelService, createGrpcWebTransport({ baseUrl: server.url, httpVersion: "1.1" }));
    const models = await web.listModels({});
    expect(models.models.map((m) => m.config?.id)).toEqual(["offline"]);
    const current = await web.getCurrentModel({});
    expect(current).toMatchObject({ id: "offline", offline: true, clientPreference: "openai" });
    // gRPC-Web is connect-fastify's.
    expect(served()).toEqual(NONE);
  });
});
