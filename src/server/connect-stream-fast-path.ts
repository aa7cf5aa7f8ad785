import {
  create,
  isMessage,
  type DescMessage,
  type DescMethod,
  type DescService,
  type JsonWriteOptions,
  type Message,
} from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { createMethodSerializationLookup, type MethodSerializationLookup } from "@connectrpc/connect/protocol";
import { endStreamFlag, endStreamToJson } from "@connectrpc/connect/protocol-connect";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ServiceBinding } from "../services/registry.js";
import { CONNECT_UNARY_CONSTRAINT, type FastPathOptions } from "./fast-path-routing.js";
import { streamChain, streamRequest, type StreamImpl, type StreamInvoke } from "./in-process-invoker.js";
import { envelope } from "./envelope.js";
import { receivedExtraInput } from "./first-envelope.js";
import { FastCall } from "./lazy-call.js";

/**
 * Connect server streams (`application/connect+proto|json`, one uncompressed
 * request message, no deadline) served without the universal handler: the
 * same serialization, interceptors and end-stream encoding, with each
 * response message written to the socket as soon as it is yielded. Streams
 * carry run events, so this path sets Floe's time to first token.
 */
export function registerConnectStreamFastPath(
  fastify: FastifyInstance,
  bindings: readonly ServiceBinding[],
  opts: FastPathOptions,
): void {
  for (const { service, impl } of bindings) {
    for (const method of service.methods) {
      if (method.methodKind !== "server_streaming") continue;
      const fn = (impl as unknown as Record<string, StreamImpl>)[method.localName]!.bind(impl);
      const route: StreamRoute = {
        service,
        method,
        serialization: createMethodSerializationLookup(method, undefined, opts.jsonOptions, {
          readMaxBytes: opts.readMaxBytes,
          writeMaxBytes: 0xffffffff,
        }),
        invoke: streamChain(opts.interceptors, service, method, fn),
        opts,
      };
      for (const format of ["stream-json", "stream-proto"] as const) {
        fastify.route({
          method: "POST",
          url: `/${service.typeName}/${method.name}`,
          constraints: { [CONNECT_UNARY_CONSTRAINT]: format },
          handler: (req, reply) => handleStream(req, reply, format === "stream-proto", route),
        });
      }
    }
  }
}

interface StreamRoute {
  service: DescService;
  method: DescMethod;
  serialization: MethodSerializationLookup<DescMessage, DescMessage>;
  invoke: StreamInvoke;
  opts: FastPathOptions;
}

async function handleStream(req: FastifyRequest, reply: FastifyReply, binary: boolean, r: StreamRoute): Promise<void> {
  const call = new FastCall(r.service, r.method, req, reply, r.opts.contextValues(req));
  reply.hijack();
  const raw = reply.raw;
  let headersSent = false;
  const sendHeaders = () => {
    if (headersSent) return;
    headersSent = true;
    const headers: Record<string, string> = {
      "content-type": binary ? "application/connect+proto" : "application/connect+json",
    };
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = String(v);
    call.peekResponseHeader()?.forEach((v, k) => (headers[k] = v));
    raw.writeHead(200, headers);
  };
  let error: ConnectError | undefined;
  let corked = false;
  try {
    const body = (req.body as Buffer | undefined) ?? Buffer.alloc(0);
    if (body.length < 5 || body.readUInt32BE(1) !== body.length - 5) {
      throw new ConnectError(
        "invalid Connect stream request: expected exactly one length-prefixed message",
        Code.InvalidArgument,
      );
    }
    if (body[0] !== 0)
      throw new ConnectError("compressed request messages are not supported on this path", Code.Internal);
    const input = r.serialization.getI(binary).parse(body.subarray(5));
    const res = await r.invoke(streamRequest(call, input));
    for await (const message of res.message) {
      sendHeaders();
      if (raw.destroyed) break;
      // Handlers may yield init shapes, as Connect allows.
      const out = isMessage(message, r.method.output) ? message : create(r.method.output, message as never);
      // Messages yielded in the same tick leave in one write (one syscall), none later than this tick.
      if (!corked && typeof raw.cork === "function") {
        corked = true;
        raw.cork();
        process.nextTick(() => {
          corked = false;
          raw.uncork();
        });
      }
      raw.write(envelope(0, r.serialization.getO(binary).serialize(out as Message)));
    }
  } catch (e) {
    error = e instanceof ConnectError ? e : new ConnectError("internal error", Code.Internal, undefined, undefined, e);
  } finally {
    call.done();
  }
  if (!error && receivedExtraInput(req.raw))
    error = new ConnectError(
      "protocol error: received extra input message for server-streaming method",
      Code.InvalidArgument,
    );
  if (raw.destroyed) return;
  sendHeaders();
  const end = endStreamToJson(
    call.peekResponseTrailer() ?? new Headers(),
    error,
    r.opts.jsonOptions as Partial<JsonWriteOptions>,
  );
  raw.end(envelope(endStreamFlag, Buffer.from(JSON.stringify(end))));
}
