import type { ServiceImpl } from "@connectrpc/connect";
import type { HealthService } from "../../gen/floe/v1/health_pb.js";
import { kCallerHasKey } from "../security/index.js";
import { FLOE_VERSION } from "../version.js";
import type { AppContext } from "./app-context.js";

export function healthService(app: AppContext): ServiceImpl<typeof HealthService> {
  return {
    getHealth(_req, ctx) {
      const uptimeSecs = BigInt(Math.floor((Date.now() - app.startedAt) / 1000));
      // Liveness is public; what names this machine and its build is for callers with a key.
      if (!ctx.values.get(kCallerHasKey)) return { status: "ok", uptimeSecs };
      return { status: "ok", version: FLOE_VERSION, uptimeSecs, agentId: app.agentId, database: app.database.dialect };
    },
  };
}
