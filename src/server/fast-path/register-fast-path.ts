import type { FastifyInstance, FastifyRequest } from "fastify";
import { sendConnectError, sendConnectStreamError, sendGrpcError } from "./error-responses.js";
import { type FastifyRequestError, fastifyErrorToConnect } from "./fastify-errors.js";
import { readFirstEnvelope } from "./first-envelope.js";
import type { FastPathOptions } from "./options.js";
import { registerStreamRoutes } from "./stream-routes.js";
import { registerUnaryRoutes } from "./unary-routes.js";

/**
 * Floe's fast path, in its own fastify scope. Connect unary calls (POST,
 * `application/json` or `application/proto`), Connect server streams, and
 * gRPC unary calls over HTTP/2, each without compression or a deadline, are
 * served here instead of through connect-fastify's universal handler. Same
 * serialization, same interceptors, same error encoding; what is skipped is
 * the per-request machinery a small call does not need: AbortController,
 * Headers conversions and async-iterable bodies. Everything else (gRPC-Web,
 * GET, compressed bodies, deadlines) takes connect-fastify's routes.
 */
export async function registerFastPath(fastify: FastifyInstance, opts: FastPathOptions): Promise<void> {
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
  fastify.setErrorHandler((err: FastifyRequestError, req, reply) => {
    opts.counters.rejected++;
    const error = fastifyErrorToConnect(err, opts.readMaxBytes);
    const ct = String(req.headers["content-type"]);
    if (ct.startsWith("application/grpc")) return sendGrpcError(reply, error);
    if (ct.startsWith("application/connect+")) return sendConnectStreamError(reply, error, ct, opts.jsonOptions);
    return sendConnectError(reply, error, opts.jsonOptions);
  });
  registerStreamRoutes(fastify, opts);
  registerUnaryRoutes(fastify, opts);
}
