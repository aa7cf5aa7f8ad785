import { Code, ConnectError } from "@connectrpc/connect";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { LazyUnaryRequest } from "./call-context.js";
import { decompress } from "./decompress.js";
import { envelope } from "./envelope.js";
import { sendConnectError, sendGrpcError } from "./error-responses.js";
import type { UnaryInvoke } from "./interceptor-chain.js";
import { type MethodRoute, methodRoute, openCall, parseInput } from "./method-route.js";
import type { FastPathOptions } from "./options.js";
import { FAST_PATH_CONSTRAINT } from "./route-constraint.js";

type UnaryRoute = MethodRoute<UnaryInvoke>;

/** Connect unary (JSON and binary) and gRPC unary routes for every unary method; requests may be gzip or br. */
export function registerUnaryRoutes(fastify: FastifyInstance, opts: FastPathOptions): void {
  for (const chain of opts.chains.unary.values()) {
    const route: UnaryRoute = methodRoute(chain, opts);
    const { service, method } = chain;
    for (const format of ["json", "proto", "grpc"] as const) {
      fastify.route({
        method: "POST",
        url: `/${service.typeName}/${method.name}`,
        constraints: { [FAST_PATH_CONSTRAINT]: format },
        handler:
          format === "grpc"
            ? (req, reply) => handleGrpc(req, reply, route)
            : (req, reply) => handleConnect(req, reply, format === "proto", route),
      });
    }
  }
}

async function handleConnect(req: FastifyRequest, reply: FastifyReply, binary: boolean, r: UnaryRoute): Promise<void> {
  r.opts.counters.unary++;
  const { call, invalid } = openCall(r, req, reply, "connect");
  try {
    if (invalid) throw invalid;
    const sent = (req.body as Buffer | undefined) ?? Buffer.alloc(0);
    const encoding = String(req.headers["content-encoding"] ?? "identity");
    const input = parseInput(r, binary, await decompress(encoding, sent, r.opts.readMaxBytes));
    const res = await r.invoke(new LazyUnaryRequest(call, input));
    const bytes = r.serialization.getO(binary).serialize(res.message);
    call.writeHeaders(reply);
    reply.code(200).header("content-type", binary ? "application/proto" : "application/json");
    await reply.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    call.writeHeaders(reply);
    await sendConnectError(reply, ConnectError.from(e, Code.Internal), r.opts.jsonOptions);
  } finally {
    call.done();
  }
}

/** gRPC unary over HTTP/2: one length-prefixed message in, one out, status in trailers. */
async function handleGrpc(req: FastifyRequest, reply: FastifyReply, r: UnaryRoute): Promise<void> {
  r.opts.counters.grpc++;
  const { call, invalid } = openCall(r, req, reply, "grpc");
  try {
    if (invalid) throw invalid;
    const body = (req.body as Buffer | undefined) ?? Buffer.alloc(0);
    const encoding = String(req.headers["grpc-encoding"] ?? "identity");
    const flag = body[0];
    if (body.length < 5 || (flag !== 0 && flag !== 1) || body.readUInt32BE(1) !== body.length - 5) {
      throw new ConnectError(
        "invalid gRPC request: expected exactly one length-prefixed message",
        Code.InvalidArgument,
      );
    }
    if (flag === 1 && encoding === "identity") {
      throw new ConnectError("invalid gRPC request: a compressed message without grpc-encoding", Code.InvalidArgument);
    }
    const message = body.subarray(5);
    const input = parseInput(r, true, flag === 1 ? await decompress(encoding, message, r.opts.readMaxBytes) : message);
    const res = await r.invoke(new LazyUnaryRequest(call, input));
    const frame = envelope(0, r.serialization.getO(true).serialize(res.message));
    reply.hijack();
    const raw = reply.raw;
    const headers: Record<string, string> = { "content-type": "application/grpc+proto" };
    call.peekResponseHeader()?.forEach((v, k) => {
      headers[k] = v;
    });
    raw.writeHead(200, headers);
    const trailers: Record<string, string> = { "grpc-status": "0" };
    call.peekResponseTrailer()?.forEach((v, k) => {
      trailers[k] = v;
    });
    raw.addTrailers(trailers);
    raw.end(frame);
  } catch (e) {
    sendGrpcError(reply, ConnectError.from(e, Code.Internal));
  } finally {
    call.done();
  }
}
