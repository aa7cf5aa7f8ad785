import type { IncomingHttpHeaders } from "node:http";
import type { ConstraintStrategy, Handler, HTTPVersion } from "find-my-way";
import { FAST_PATH_ENCODINGS } from "./decompress.js";

/**
 * Which requests Floe's fast paths serve: Connect unary (json/proto) and gRPC
 * unary over HTTP/2, uncompressed or gzip/br (see decompress.ts), and Connect
 * server streams without compression; deadlines are served (see
 * CallContext). A route constraint picks them; every other request finds no
 * constrained route and takes connect-fastify's.
 */
export const FAST_PATH_CONSTRAINT = "floeFastPath";

/** The fast-path route a request takes, by protocol and codec. */
export type FastPathFormat = "json" | "proto" | "grpc" | "stream-json" | "stream-proto";

/** find-my-way strategy: derives the fast-path format of eligible requests, or nothing. */
export const fastPathConstraint: ConstraintStrategy<HTTPVersion.V1, string> = {
  name: FAST_PATH_CONSTRAINT,
  storage() {
    const handlers = new Map<string, Handler<HTTPVersion.V1>>();
    return {
      get: (k: string) => handlers.get(k) ?? null,
      set: (k: string, v: Handler<HTTPVersion.V1>) => void handlers.set(k, v),
    };
  },
  deriveConstraint(req: { method?: string; headers: IncomingHttpHeaders; httpVersionMajor?: number }): FastPathFormat {
    if (req.method !== "POST") return undefined as never;
    const h = req.headers;
    const ct = h["content-type"];
    if (ct === "application/grpc" || ct === "application/grpc+proto") {
      const enc = h["grpc-encoding"];
      const readable = enc === undefined || FAST_PATH_ENCODINGS.has(enc as string);
      return (req.httpVersionMajor === 2 && readable ? "grpc" : undefined) as never;
    }
    if (ct === "application/connect+proto" || ct === "application/connect+json") {
      const enc = h["content-encoding"];
      const streamEnc = h["connect-content-encoding"];
      if ((enc !== undefined && enc !== "identity") || (streamEnc !== undefined && streamEnc !== "identity")) {
        return undefined as never;
      }
      return ct === "application/connect+proto" ? "stream-proto" : "stream-json";
    }
    const enc = h["content-encoding"];
    if (enc !== undefined && !FAST_PATH_ENCODINGS.has(enc as string)) return undefined as never;
    if (ct === "application/json" || ct === "application/json; charset=utf-8") return "json";
    if (ct === "application/proto") return "proto";
    // undefined: no constraint derived, so the request takes connect-fastify's route.
    return undefined as never;
  },
  mustMatchWhenDerived: false,
  validate() {},
};
