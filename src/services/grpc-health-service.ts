import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import { type Health, HealthCheckResponse_ServingStatus as Status } from "../../gen/grpc/health/v1/health_pb.js";

/**
 * The standard grpc.health.v1.Health. The empty service name is the server as
 * a whole; any served service name is SERVING while the server runs. Watch
 * sends the status, then again whenever it changes (at shutdown).
 */
export class HealthStatus {
  private serving = true;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly services: ReadonlySet<string>) {}

  knows(service: string): boolean {
    return service === "" || this.services.has(service);
  }

  status(): Status {
    return this.serving ? Status.SERVING : Status.NOT_SERVING;
  }

  /** Marks everything NOT_SERVING, waking watchers, ahead of shutdown. */
  shutdown(): void {
    this.serving = false;
    for (const w of this.waiters) w();
  }

  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.waiters.add(done);
      signal.addEventListener("abort", done);
    });
  }
}

export function grpcHealthService(health: HealthStatus): ServiceImpl<typeof Health> {
  return {
    check(req) {
      if (!health.knows(req.service))
        throw new ConnectError(`unknown service ${JSON.stringify(req.service)}`, Code.NotFound);
      return { status: health.status() };
    },
    async *watch(req, ctx: HandlerContext) {
      if (!health.knows(req.service)) {
        yield { status: Status.SERVICE_UNKNOWN };
        return;
      }
      let last = health.status();
      yield { status: last };
      while (!ctx.signal.aborted) {
        await health.changed(ctx.signal);
        if (ctx.signal.aborted) return;
        if (health.status() !== last) {
          last = health.status();
          yield { status: last };
        }
      }
    },
  };
}
