import { timingSafeEqual } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ApiKey, KeyScope } from "../domain/api-key.js";
import { isAllowedHostHeader, isLoopbackHost } from "./loopback.js";

/**
 * Services that answer without an API key: probes and liveness checks. The
 * gRPC health service reports only a serving status; floe.v1.HealthService
 * (and Pawan's /health) hides the agent id and version from callers without
 * a key. Everything else needs a key once keys are configured.
 */
// The GitHub webhook cannot carry Floe's key: its HMAC signature, checked by the service, authenticates it.
const OPEN_SERVICES = new Set(["grpc.health.v1.Health", "floe.v1.HealthService", "floe.v1.GitHubService"]);

/** A browser cannot set headers on a WebSocket: it may offer the key as this subprotocol, base64url-encoded. */
export const KEY_SUBPROTOCOL_PREFIX = "floe.api-key.";
/** The subprotocol the server selects when a client offers its key as one (never the key itself). */
export const FLOE_SUBPROTOCOL = "floe.v1";

export interface GuardSettings {
  /** Accepted API keys; empty disables auth (the server then refuses a public address). */
  apiKeys: readonly ApiKey[];
  /**
   * Origins allowed besides loopback origins and the server's own. `*` opens
   * the REST and RPC routes to any page, without credentials; it never opens
   * the WebSocket, which needs the origin listed.
   */
  corsOrigins: readonly string[];
  /** The bound address: the Host guard applies while it is loopback. */
  host: string;
}

/** How a cross-origin request is answered: not at all, with credentials (a trusted origin), or public (`*`). */
export type CorsDecision = "none" | "trusted" | "public";

/**
 * Who may reach Floe, decided in one place for every surface: API keys
 * (Connect, gRPC and, through the same interceptor chain, the legacy JSON
 * routes and the WebSocket handshake), the Host header while bound to
 * loopback (DNS rebinding), and the Origin of browser requests and
 * WebSockets. The permission engine and approvals, which decide what a run
 * may do, live beside it in this folder.
 */
export class RequestGuards {
  private readonly keys: { key: ApiKey; bytes: Buffer }[];
  private readonly guardHost: boolean;
  private readonly listed: Set<string>;
  private readonly anyOrigin: boolean;

  constructor(settings: GuardSettings) {
    this.keys = settings.apiKeys.map((key) => ({ key, bytes: Buffer.from(key.key) }));
    this.guardHost = isLoopbackHost(settings.host);
    this.listed = new Set(settings.corsOrigins.filter((o) => o !== "*").map(normalizeOrigin));
    this.anyOrigin = settings.corsOrigins.includes("*");
  }

  /** True when API keys are configured. */
  get keysRequired(): boolean {
    return this.keys.length > 0;
  }

  /**
   * The key a call carries, as `Authorization: Bearer KEY`, `X-API-Key: KEY`
   * or (WebSockets) the `floe.api-key.<base64url KEY>` subprotocol; compared
   * in constant time. Undefined when it carries none that is accepted.
   */
  identify(header: () => Headers): ApiKey | undefined {
    const h = header();
    const auth = h.get("authorization");
    const given = auth?.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : h.get("x-api-key")?.trim();
    return (
      this.match(given) ??
      keysFromSubprotocols(h.get("sec-websocket-protocol"))
        .map((k) => this.match(k))
        .find(Boolean)
    );
  }

  /**
   * The key allowed to make a call: Unauthenticated (with `WWW-Authenticate`)
   * without an accepted key, PermissionDenied when its scopes do not cover
   * the call. Undefined without configured keys, and for open services.
   */
  authenticate(service: string, scope: KeyScope, header: () => Headers): ApiKey | undefined {
    if (this.keys.length === 0 || OPEN_SERVICES.has(service)) return undefined;
    const key = this.identify(header);
    if (!key) throw unauthenticated();
    if (!key.scopes.includes(scope)) {
      throw new ConnectError(
        `API key ${JSON.stringify(key.name)} may not do this: it needs the ${scope} scope (the key has ${key.scopes.join(", ") || "none"})`,
        Code.PermissionDenied,
      );
    }
    return key;
  }

  /** Whether the call carries an accepted key (always true without configured keys). */
  hasKey(header: () => Headers): boolean {
    return this.keys.length === 0 || this.identify(header) !== undefined;
  }

  /** While bound to loopback, only Host headers that name a loopback address are served. */
  hostAllowed(host: string | undefined): boolean {
    return !this.guardHost || isAllowedHostHeader(host);
  }

  /**
   * Whether a browser page from `origin` is trusted: a loopback origin, the
   * server's own, or a listed one. No Origin means no browser. `null` (a
   * sandboxed or file page) is never trusted.
   */
  originTrusted(origin: string | undefined, host: string | undefined): boolean {
    if (!origin) return true;
    try {
      const u = new URL(origin);
      return this.listed.has(u.origin) || isLoopbackHost(u.hostname) || u.host === host?.toLowerCase();
    } catch {
      return false;
    }
  }

  /** The CORS answer for a request from `origin`: credentials only for trusted origins, `*` never with them. */
  cors(origin: string | undefined, host: string | undefined): CorsDecision {
    if (!origin) return "none";
    if (this.originTrusted(origin, host)) return "trusted";
    return this.anyOrigin ? "public" : "none";
  }

  private match(given: string | undefined): ApiKey | undefined {
    if (!given) return undefined;
    const g = Buffer.from(given);
    // Every key is compared, so the time taken does not tell which one nearly matched.
    let found: ApiKey | undefined;
    for (const k of this.keys) if (k.bytes.length === g.length && timingSafeEqual(k.bytes, g)) found ??= k.key;
    return found;
  }
}

/** What a caller without an accepted key is told, with the challenge HTTP clients expect. */
export function unauthenticated(): ConnectError {
  return new ConnectError(
    "missing or invalid API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
    Code.Unauthenticated,
    { "www-authenticate": WWW_AUTHENTICATE },
  );
}

export const WWW_AUTHENTICATE = 'Bearer realm="floe"';

/** The keys a WebSocket client offered as `floe.api-key.<base64url>` subprotocols. */
function keysFromSubprotocols(protocols: string | null): string[] {
  if (!protocols) return [];
  return protocols
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.startsWith(KEY_SUBPROTOCOL_PREFIX))
    .map((p) => Buffer.from(p.slice(KEY_SUBPROTOCOL_PREFIX.length), "base64url").toString());
}

/** An origin as browsers send it (`https://app.example.com`): lower case, no path or trailing slash. */
export function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}
