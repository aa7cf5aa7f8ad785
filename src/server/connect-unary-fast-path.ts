import type { ServerHttp2Stream } from "node:http2";
import type { DescMessage, DescMethod, DescService, JsonWriteOptions } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { createMethodSerializationLookup, type MethodSerializationLookup } from "@connectrpc/connect/protocol";
import {
  codeToHttpStatus,
  endStreamFlag,
  endStreamToJson,
  errorToJsonBytes,
} from "@connectrpc/connect/protocol-connect";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ServiceBinding } from "../services/registry.js";
import { envelope } from "./envelope.js";
import { CONNECT_UNARY_CONSTRAINT, type FastPathOptions } from "./fast-path-routing.js";
import { chain, FastCall, FastUnaryRequest, type AnyImpl, type Invoke } from "./lazy-call.js";
import { registerConnectStreamFastPath } from "./connect-stream-fast-path.js";
import { readFirstEnvelope } from "./first-envelope.js";

/**
 * Connect unary calls (POST, `application/json` or `application/proto`, no
 * compression, no timeout header), and gRPC unary calls over HTTP/2 with the
 * same restrictions, are served here instead of through
 * connect-fastify's universal handler. Same serialization, same interceptors,
 * same error JSON; what is skipped is the per-request machinery that a tiny
 * unary call does not need: AbortController, Headers conversions and
 * async-iterable bodies. Headers, signal and response headers are created only
 * when a handler or interceptor touches them. Everything else (gRPC, gRPC-Web,
 * streams, GET, compressed bodies, deadlines) takes connect-fastify's routes.
 */
/** Registers the fast path for every unary method of `bindings`. */
export async function connectUnaryFastPath(
  fastify: FastifyInstance,
  bindings: readonly ServiceBinding[],
  opts: FastPathOptions,
): Promise<void> {
  const passThrough = (_req: FastifyRequest, body: Buffer, done: (err: null, body: Buffer) => void) => done(null, body);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    ["application/json", "application/proto", "application/grpc", "application/grpc+proto"],
    { parseAs: "buffer", bodyLimit: opts.readMaxBytes + 5 },
    passThrough,
  );
  fastify.addContentTypeParser(
    ["application/connect+proto", "application/connect+json"],
    readFirstEnvelope(opts.readMaxBytes),
  );
  fastify.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const code =
      err.statusCode === 413
        ? Code.ResourceExhausted
        : (err.statusCode ?? 500) < 500
          ? Code.InvalidArgument
          : Code.Internal;
    const message =
      err.statusCode === 413 ? `message size is larger than configured readMaxBytes ${opts.readMaxBytes}` : err.message;
    const error = new ConnectError(message, code);
    const ct = String(req.headers["content-type"]);
    if (ct.startsWith("application/grpc")) return sendGrpcError(reply, error);
    if (ct.startsWith("application/connect+")) return sendConnectStreamError(reply, error, ct, opts.jsonOptions);
    return sendError(reply, error, opts.jsonOptions);
  });

  registerConnectStreamFastPath(fastify, bindings, opts);
  for (const { service, impl } of bindings) {
    for (const method of service.methods) {
      if (method.methodKind !== "unary") continue;
      const fn = (impl as unknown as Record<string, AnyImpl>)[method.localName]!.bind(impl);
      const serialization = createMethodSerializationLookup(method, undefined, opts.jsonOptions, {
        readMaxBytes: opts.readMaxBytes,
        writeMaxBytes: 0xffffffff,
      });
      const invoke = chain(opts.interceptors, service, method, fn);
      const path = `/${service.typeName}/${method.name}`;
      const route: MethodRoute = { service, method, serialization, invoke, opts };
      for (const format of ["json", "proto", "grpc"] as const) {
        fastify.route({
          method: "POST",
          url: path,
          constraints: { [CONNECT_UNARY_CONSTRAINT]: format },
          handler:
            format === "grpc"
              ? (req, reply) => handleGrpc(req, reply, route)
              : (req, reply) => handle(req, reply, format === "proto", route),
        });
      }
    }
  }
}

/** What a fast-path route needs for one method, built once at registration. */
interface MethodRoute {
  service: DescService;
  method: DescMethod;
  serialization: MethodSerializationLookup<DescMessage, DescMessage>;
  invoke: Invoke;
  opts: FastPathOptions;
}

async function handle(
  req: FastifyRequest,
  reply: FastifyReply,
  binary: boolean,
  { service, method, serialization, invoke, opts }: MethodRoute,
): Promise<void> {
  const call = new FastCall(service, method, req, reply, opts.contextValues(req));
  try {
    const body = (req.body as Buffer | undefined) ?? Buffer.alloc(0);
    const input = serialization.getI(binary).parse(body);
    const res = await invoke(new FastUnaryRequest(call, input));
    const bytes = serialization.getO(binary).serialize(res.message);
    call.writeHeaders(reply);
    reply.code(200).header("content-type", binary ? "application/proto" : "application/json");
    await reply.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    const err =
      e instanceof ConnectError ? e : new ConnectError("internal error", Code.Internal, undefined, undefined, e);
    call.writeHeaders(reply);
    await sendError(reply, err, opts.jsonOptions);
  } finally {
    call.done();
  }
}

/** gRPC unary over HTTP/2: one length-prefixed message in, one out, status in trailers. */
async function handleGrpc(
  req: FastifyRequest,
  reply: FastifyReply,
  { service, method, serialization, invoke, opts }: MethodRoute,
): Promise<void> {
  const call = new FastCall(service, method, req, reply, opts.contextValues(req), "grpc");
  try {
    const body = (req.body as Buffer | undefined) ?? Buffer.alloc(0);
    if (body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) {
      throw new ConnectError(
        "invalid gRPC request: expected exactly one uncompressed length-prefixed message",
        Code.InvalidArgument,
      );
    }
    const input = serialization.getI(true).parse(body.subarray(5));
    const res = await invoke(new FastUnaryRequest(call, input));
    const bytes = serialization.getO(true).serialize(res.message);
    const frame = envelope(0, bytes);
    reply.hijack();
    const raw = reply.raw;
    const headers: Record<string, string> = { "content-type": "application/grpc+proto" };
    call.peekResponseHeader()?.forEach((v, k) => (headers[k] = v));
    raw.writeHead(200, headers);
    const trailers: Record<string, string> = { "grpc-status": "0" };
    call.peekResponseTrailer()?.forEach((v, k) => (trailers[k] = v));
    raw.addTrailers(trailers);
    raw.end(frame);
  } catch (e) {
    await sendGrpcError(
      reply,
      e instanceof ConnectError ? e : new ConnectError("internal error", Code.Internal, undefined, undefined, e),
    );
  } finally {
    call.done();
  }
}

/** A Connect stream that ends at once with the error in its end-stream message. */
function sendConnectStreamError(
  reply: FastifyReply,
  err: ConnectError,
  contentType: string,
  jsonOptions: Partial<JsonWriteOptions>,
): void {
  const json = Buffer.from(JSON.stringify(endStreamToJson(new Headers(), err, jsonOptions)));
  const frame = envelope(endStreamFlag, json);
  reply.hijack();
  reply.raw.writeHead(200, { "content-type": contentType });
  reply.raw.end(frame);
}

/** A trailers-only gRPC response carrying the error status. */
function sendGrpcError(reply: FastifyReply, err: ConnectError): void {
  const headers: Record<string, string> = { "content-type": "application/grpc+proto" };
  setTrailerStatus(new Headers(), err).forEach((v, k) => (headers[k] = v));
  reply.hijack();
  // Trailers-only must be one HEADERS frame with END_STREAM; the compat API's
  // writeHead()+end() would add an empty DATA frame, which gRPC clients reject.
  const stream = (reply.raw as unknown as { stream?: ServerHttp2Stream }).stream;
  if (stream && !stream.headersSent) {
    stream.respond({ ":status": 200, ...headers }, { endStream: true });
  } else {
    reply.raw.writeHead(200, headers);
    reply.raw.end();
  }
}

function sendError(reply: FastifyReply, err: ConnectError, jsonOptions: Partial<JsonWriteOptions>) {
  err.metadata.forEach((value, key) => void reply.header(key, value));
  const bytes = errorToJsonBytes(err, jsonOptions);
  return reply
    .code(codeToHttpStatus(err.code))
    .header("content-type", "application/json")
    .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
