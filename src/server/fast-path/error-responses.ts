import type { ServerHttp2Stream } from "node:http2";
import type { JsonWriteOptions } from "@bufbuild/protobuf";
import type { ConnectError } from "@connectrpc/connect";
import {
  codeToHttpStatus,
  endStreamFlag,
  endStreamToJson,
  errorToJsonBytes,
} from "@connectrpc/connect/protocol-connect";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import type { FastifyReply } from "fastify";
import { RequestError_Reason, requestErrorOf } from "../../services/request-errors.js";
import { envelope } from "./envelope.js";

/**
 * A Connect unary error: Connect's error JSON, with the HTTP status of its
 * code, except a body over the limit: 413, not the 429 of resource_exhausted,
 * which clients and proxies would retry. Connect clients read the code from
 * the body.
 */
export function sendConnectError(reply: FastifyReply, err: ConnectError, jsonOptions: Partial<JsonWriteOptions>) {
  err.metadata.forEach((value, key) => void reply.header(key, value));
  const bytes = errorToJsonBytes(err, jsonOptions);
  const body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tooLarge = requestErrorOf(err)?.reason === RequestError_Reason.BODY_TOO_LARGE;
  return reply
    .code(tooLarge ? 413 : codeToHttpStatus(err.code))
    .header("content-type", "application/json")
    .send(body);
}

/** A Connect stream that ends at once with the error in its end-stream message. */
export function sendConnectStreamError(
  reply: FastifyReply,
  err: ConnectError,
  contentType: string,
  jsonOptions: Partial<JsonWriteOptions>,
): void {
  const json = Buffer.from(JSON.stringify(endStreamToJson(new Headers(), err, jsonOptions)));
  reply.hijack();
  reply.raw.writeHead(200, { "content-type": contentType });
  reply.raw.end(envelope(endStreamFlag, json));
}

/** A trailers-only gRPC response carrying the error status. */
export function sendGrpcError(reply: FastifyReply, err: ConnectError): void {
  const headers: Record<string, string> = { "content-type": "application/grpc+proto" };
  setTrailerStatus(new Headers(), err).forEach((v, k) => {
    headers[k] = v;
  });
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
