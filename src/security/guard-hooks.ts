import { createContextKey, type Interceptor } from "@connectrpc/connect";
import type { FastifyCorsOptions } from "@fastify/cors";
import type { FastifyReply, FastifyRequest } from "fastify";
import { headersFromNode } from "../domain/node-headers.js";
import { scopeOf } from "./method-scopes.js";
import {
  type CorsDecision,
  FLOE_SUBPROTOCOL,
  KEY_SUBPROTOCOL_PREFIX,
  type RequestGuards,
  WWW_AUTHENTICATE,
} from "./request-guards.js";

/** Whether the caller of an open service (health) carried a valid key; others always did. */
export const kCallerHasKey = createContextKey<boolean>(true, { description: "caller presented an accepted API key" });

/** The name of the API key a call was made with (empty without configured keys): the audit log records it. */
export const kCallerKey = createContextKey<string>("", { description: "name of the caller's API key" });

/**
 * API-key auth for every call through an interceptor chain: Connect, gRPC
 * and the legacy routes. The key must carry the scope the method needs.
 */
export function authInterceptor(guards: RequestGuards): Interceptor {
  return (next) => async (req) => {
    if (!guards.keysRequired) return next(req);
    // The request's headers are built lazily on the fast path: only read them when a key is needed.
    const header = () => req.header;
    const key = guards.authenticate(req.service.typeName, scopeOf(req.service.typeName, req.method.name), header);
    if (key) req.contextValues.set(kCallerKey, key.name);
    else req.contextValues.set(kCallerHasKey, guards.hasKey(header));
    return next(req);
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The guards every request passes first, as a fastify onRequest hook: the
 * Host header while bound to loopback (DNS rebinding), and the Origin of a
 * request that changes state. A page on an untrusted site can send a simple
 * POST without a CORS preflight; it is refused here, before any route runs
 * (`*` in cors_origins lets such pages in, as documented).
 */
export function requestGuardHook(guards: RequestGuards) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const host = hostOf(req);
    if (!guards.hostAllowed(host)) {
      await reply
        .code(403)
        .send({ error: `Host ${JSON.stringify(host)} is not allowed while Floe is bound to loopback` });
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !SAFE_METHODS.has(req.method) && guards.cors(origin, host) === "none") {
      const error = `a page from origin ${JSON.stringify(origin)} may not call this server: list it in cors_origins`;
      await reply.code(403).send({ error, detail: error });
    }
  };
}

/**
 * Refuses a WebSocket upgrade before it is accepted: 403 for a page from an
 * origin that is not trusted (a `*` CORS setting does not count), 401 without
 * an accepted key when keys are configured.
 */
export function webSocketGuardHook(guards: RequestGuards) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!guards.originTrusted(req.headers.origin, hostOf(req))) {
      await reply
        .code(403)
        .send({ detail: `origin ${JSON.stringify(req.headers.origin)} may not open this WebSocket` });
      return;
    }
    const offered = new Set(
      String(req.headers["sec-websocket-protocol"] ?? "")
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean),
    );
    if (offered.size > 0 && selectSubprotocol(offered) === false) {
      await reply.code(400).send({
        detail: `offer the subprotocol '${FLOE_SUBPROTOCOL}' beside '${KEY_SUBPROTOCOL_PREFIX}…': the server must select one, and never selects the key`,
      });
      return;
    }
    if (!guards.hasKey(() => headersFromNode(req.headers))) {
      await reply
        .code(401)
        .header("www-authenticate", WWW_AUTHENTICATE)
        .send({
          detail: `missing or invalid API key: send 'Authorization: Bearer <key>', or offer the subprotocols '${FLOE_SUBPROTOCOL}' and '${KEY_SUBPROTOCOL_PREFIX}<base64url key>'`,
        });
    }
  };
}

/**
 * Which subprotocol a WebSocket server selects: `floe.v1` when the client
 * offered it, never the key. A client that offers protocols must get one of
 * them back, or a browser drops the connection.
 */
export function selectSubprotocol(protocols: Set<string>): string | false {
  if (protocols.has(FLOE_SUBPROTOCOL)) return FLOE_SUBPROTOCOL;
  for (const p of protocols) if (!p.startsWith(KEY_SUBPROTOCOL_PREFIX)) return p;
  return false;
}

const CORS_BASE = {
  methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
  exposedHeaders: ["grpc-status", "grpc-message", "grpc-status-details-bin", "connect-protocol-version"],
};
const CORS_BY_DECISION: Record<CorsDecision, FastifyCorsOptions> = {
  none: { ...CORS_BASE, origin: false },
  trusted: { ...CORS_BASE, origin: true, credentials: true },
  public: { ...CORS_BASE, origin: "*", credentials: false },
};

/** @fastify/cors options decided per request: trusted origins get credentials, `*` never does. */
export function corsOptions(guards: RequestGuards): FastifyCorsOptions {
  return {
    delegator: (req, callback) => callback(null, CORS_BY_DECISION[guards.cors(req.headers.origin, hostOf(req))]),
  };
}

function hostOf(req: { headers: Record<string, string | string[] | undefined> }): string | undefined {
  const h = (req.headers[":authority"] as string | undefined) ?? req.headers.host;
  return typeof h === "string" ? h : undefined;
}
