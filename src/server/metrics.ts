import { Code, ConnectError, createContextKey, type Interceptor } from "@connectrpc/connect";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { Event } from "../../gen/floe/v1/events_pb.js";
import { adaptStream, CANCELLED } from "../domain/push-stream.js";
import { TOOL_NAMES } from "../domain/tool-names.js";
import type { AppContext } from "../services/app-context.js";
import { codeName } from "../domain/code-name.js";

const KNOWN_TOOLS = new Set<string>(TOOL_NAMES);

/** The surface a request came in on. */
export type Surface = "connect" | "grpc" | "grpc_web" | "penguin" | "pawan" | "other";

/**
 * The surface of a call, set with its context values. `compat` marks an
 * in-process call from a legacy JSON route: its HTTP request is counted,
 * not the call.
 */
export const kSurface = createContextKey<Surface | "compat">("connect", { description: "surface of the call" });

/**
 * Floe's Prometheus metrics, in a registry of its own: requests by surface
 * and code, active streams, runs by status, tokens, tool calls by tool and
 * result, pending approvals and the event log's lag. Run figures come from
 * the event log's live events, so every surface and every run is counted
 * once, where it happens.
 */
export class FloeMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: "floe_requests_total",
    help: "Requests by surface and code (an HTTP status, or a Connect code name for RPCs)",
    labelNames: ["surface", "code"] as const,
    registers: [this.registry],
  });
  private readonly streams = new Gauge({
    name: "floe_active_streams",
    help: "Server streams in progress (RPC streams, WebSocket and SSE relays)",
    labelNames: ["surface"] as const,
    registers: [this.registry],
  });
  private readonly runs = new Counter({
    name: "floe_runs_total",
    help: "Runs ended, by status",
    labelNames: ["status"] as const,
    registers: [this.registry],
  });
  private readonly tokens = new Counter({
    name: "floe_tokens_total",
    help: "Model tokens of completed runs, by kind (prompt, completion) and agent",
    labelNames: ["kind", "agent"] as const,
    registers: [this.registry],
  });
  private readonly toolCalls = new Counter({
    name: "floe_tool_calls_total",
    help: "Tool calls by tool and result (success, error)",
    labelNames: ["tool", "result"] as const,
    registers: [this.registry],
  });
  private readonly pending = new Set<string>();

  constructor(app: AppContext) {
    collectDefaultMetrics({ register: this.registry, prefix: "floe_" });
    // Which instance answers (several share one database): a constant 1 labelled with its id.
    new Gauge({
      name: "floe_instance_info",
      help: "This instance",
      labelNames: ["instance"],
      registers: [this.registry],
    })
      .labels({ instance: app.cluster.instanceId })
      .set(1);
    new Gauge({
      name: "floe_runs_active",
      help: "Runs active or queued",
      registers: [this.registry],
      collect() {
        this.set(app.runs.all().length);
      },
    });
    const pending = this.pending;
    new Gauge({
      name: "floe_approvals_pending",
      help: "Tool calls waiting for a human decision",
      registers: [this.registry],
      collect() {
        this.set(pending.size);
      },
    });
    new Gauge({
      name: "floe_event_log_lag_events",
      help: "Events appended and published but not yet written",
      registers: [this.registry],
      collect() {
        this.set(app.events.lag().events);
      },
    });
    new Gauge({
      name: "floe_event_log_lag_seconds",
      help: "How long the oldest unwritten event has waited",
      registers: [this.registry],
      collect() {
        this.set(app.events.lag().oldestMs / 1000);
      },
    });
    app.events.tap((e) => this.observe(e));
  }

  request(surface: Surface, code: string | number): void {
    this.requests.inc({ surface, code: String(code) });
  }

  streamOpened(surface: string): () => void {
    this.streams.inc({ surface });
    let open = true;
    return () => {
      if (open) this.streams.dec({ surface });
      open = false;
    };
  }

  private observe(e: Event): void {
    const k = e.kind;
    switch (k.case) {
      case "toolComplete":
        // Tool names come from the model: unknown ones share one label, so a model cannot grow the series.
        this.toolCalls.inc({
          tool: KNOWN_TOOLS.has(k.value.name) ? k.value.name : "unknown",
          result: k.value.success ? "success" : "error",
        });
        return;
      case "approvalRequired":
        this.pending.add(k.value.requestId);
        return;
      case "approvalResolved":
        this.pending.delete(k.value.requestId);
        return;
      case "complete": {
        this.runs.inc({ status: k.value.status || "completed" });
        const u = k.value.usage;
        if (u) {
          // An upstream may report nonsense; a counter only goes up.
          this.tokens.inc({ kind: "prompt", agent: e.agentId }, Math.max(0, Number(u.prompt)));
          this.tokens.inc({ kind: "completion", agent: e.agentId }, Math.max(0, Number(u.completion)));
        }
        return;
      }
      case "error":
        this.runs.inc({ status: k.value.code === "canceled" ? "cancelled" : "error" });
        return;
      case "cancelled":
        this.runs.inc({ status: "cancelled" });
    }
  }

  /** Counts each RPC by the surface it came on and its code, and RPC streams while they run. */
  interceptor(): Interceptor {
    return (next) => async (req) => {
      const surface = req.contextValues.get(kSurface);
      const count = (code: Code | undefined) => {
        if (surface !== "compat") this.request(surface, code === undefined ? "ok" : codeName(code));
      };
      let res;
      try {
        res = await next(req);
      } catch (e) {
        count(ConnectError.from(e).code);
        throw e;
      }
      if (!res.stream) {
        count(undefined);
        return res;
      }
      const close = this.streamOpened(surface);
      const onEnd = (e: unknown) => {
        close();
        count(e === undefined ? undefined : e === CANCELLED ? Code.Canceled : ConnectError.from(e).code);
        return undefined;
      };
      return { ...res, message: adaptStream(res.message, (m) => m, onEnd) };
    };
  }
}

export function rpcSurface(contentType: string | string[] | undefined): Surface {
  if (typeof contentType !== "string") return "connect";
  if (contentType?.startsWith("application/grpc-web")) return "grpc_web";
  if (contentType?.startsWith("application/grpc")) return "grpc";
  return "connect";
}
