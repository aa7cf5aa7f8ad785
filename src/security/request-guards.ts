import { timingSafeEqual } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { isAllowedHostHeader, isLoopbackHost } from "./loopback.js";

/** Services that answer without an API key, so that probes and tooling work. */
const OPEN_SERVICES = new Set(["grpc.health.v1.Health", "floe.v1.HealthService"]);

export interface GuardSettings {
  /** Accepted API keys; empty disables auth (the server then refuses a public address). */
  apiKeys: readonly string[];
  /** Origins allowed besides loopback and the server's own host; `*` allows any. */
  corsOrigins: readonly string[];
  /** The bound address: the Host guard applies while it is loopback. */
  host: string;
}

/**
 * Who may reach Floe, decided in one place for every surface: API keys
 * (Connect, gRPC and, through the same interceptor chain, the legacy JSON
 * routes), the Host header while bound to loopback (DNS rebinding), and the
 * Origin of a browser's WebSocket. The permission engine and approvals, which
 * decide what a run may do, live beside it in this folder.
 */
export class RequestGuards {
  private readonly keys: Buffer[];
  private readonly guardHost: boolean;

  constructor(private readonly settings: GuardSettings) {
    this.keys = settings.apiKeys.map((k) => Buffer.from(k));
    this.guardHost = isLoopbackHost(settings.host);
  }

  /**
   * Throws Unauthenticated unless the call carries an accepted key as
   * `Authorization: Bearer KEY` or `X-API-Key: KEY` (health is always open).
   */
  authenticate(service: string, header: () => Headers): void {
    if (this.keys.length === 0 || OPEN_SERVICES.has(service) || this.hasKey(header())) return;
    throw new ConnectError(
      "missing or invalid API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
      Code.Unauthenticated,
    );
  }

  /** While bound to loopback, only Host headers that name a loopback address are served. */
  hostAllowed(host: string | undefined): boolean {
    return !this.guardHost || isAllowedHostHeader(host);
  }

  /**
   * Whether a browser page from `origin` may open a WebSocket: no Origin (not
   * a browser), a loopback origin, the server's own host, or a configured
   * CORS origin (`*` allows any).
   */
  originAllowed(origin: string | undefined, host: string | undefined): boolean {
    if (!origin) return true;
    const { corsOrigins } = this.settings;
    if (corsOrigins.includes("*") || corsOrigins.includes(origin)) return true;
    try {
      const u = new URL(origin);
      return isLoopbackHost(u.hostname) || u.host === host;
    } catch {
      return false;
    }
  }

  private hasKey(header: Headers): boolean {
    const auth = header.get("authorization");
    const given = auth?.toLowerCase().startsWith("bearer ") ? auth.slice(7).trim() : header.get("x-api-key")?.trim();
    if (!given) return false;
    const g = Buffer.from(given);
    return this.keys.some((k) => k.length === g.length && timingSafeEqual(k, g));
  }
}
