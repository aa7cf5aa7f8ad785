import type { DescMessage, DescMethod, DescService } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { createMethodSerializationLookup, type MethodSerializationLookup } from "@connectrpc/connect/protocol";
import { parseTimeout as parseConnectTimeout } from "@connectrpc/connect/protocol-connect";
import { parseTimeout as parseGrpcTimeout } from "@connectrpc/connect/protocol-grpc";
import type { FastifyReply, FastifyRequest } from "fastify";
import { CallContext } from "./call-context.js";
import type { FastPathOptions } from "./options.js";

/** What a route serves one method with, built once at registration. */
export interface MethodRoute<Invoke> {
  service: DescService;
  method: DescMethod;
  serialization: MethodSerializationLookup<DescMessage, DescMessage>;
  invoke: Invoke;
  opts: FastPathOptions;
}

/** A method's route: Connect's own serializers, with the server's read limit. */
export function methodRoute<Invoke>(
  chain: { service: DescService; method: DescMethod; invoke: Invoke },
  opts: FastPathOptions,
): MethodRoute<Invoke> {
  const limits = { readMaxBytes: opts.readMaxBytes, writeMaxBytes: 0xffffffff };
  const serialization = createMethodSerializationLookup(chain.method, undefined, opts.jsonOptions, limits);
  return { ...chain, serialization, opts };
}

/**
 * Decodes a request message. connect-es reports a binary body it cannot
 * decode as Internal; it is the caller's bad input, so it is InvalidArgument
 * (400) here, as a malformed JSON body already is.
 */
export function parseInput(route: MethodRoute<unknown>, binary: boolean, bytes: Uint8Array) {
  try {
    return route.serialization.getI(binary).parse(bytes);
  } catch (e) {
    const err = ConnectError.from(e);
    throw err.code === Code.Internal ? new ConnectError(err.rawMessage, Code.InvalidArgument) : err;
  }
}

/**
 * A call's timeout, from `connect-timeout-ms` (Connect) or `grpc-timeout`
 * (gRPC), parsed as Connect's own handlers parse it; an invalid header is
 * InvalidArgument.
 */
function timeoutOf(req: FastifyRequest, grpc: boolean): number | undefined {
  const header = req.headers[grpc ? "grpc-timeout" : "connect-timeout-ms"];
  if (header === undefined) return undefined;
  const parse = grpc ? parseGrpcTimeout : parseConnectTimeout;
  const { timeoutMs, error } = parse(String(header), Number.MAX_SAFE_INTEGER);
  if (error) throw error;
  return timeoutMs;
}

/**
 * A call's context for a fast-path route, with its deadline. An invalid
 * timeout header comes back as `invalid`, for the route to answer in its
 * protocol's shape.
 */
export function openCall(
  r: MethodRoute<unknown>,
  req: FastifyRequest,
  reply: FastifyReply,
  protocol: "connect" | "grpc",
): { call: CallContext; invalid?: ConnectError } {
  let timeoutMs: number | undefined;
  let invalid: ConnectError | undefined;
  try {
    timeoutMs = timeoutOf(req, protocol === "grpc");
  } catch (e) {
    invalid = ConnectError.from(e);
  }
  const values = r.opts.contextValues(req);
  return {
    call: new CallContext(r.service, r.method, req, values, protocol, { response: reply.raw }, timeoutMs),
    invalid,
  };
}
