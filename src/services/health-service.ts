import type { ServiceImpl } from "@connectrpc/connect";
import type { HealthService } from "../../gen/floe/v1/health_pb.js";
import { FLOE_VERSION } from "../version.js";
import type { AppContext } from "./app-context.js";

export function healthService(app: AppContext): ServiceImpl<typeof HealthService> {
  return {
    getHealth() {
      return {
        status: "ok",
        version: FLOE_VERSION,
        uptimeSecs: BigInt(Math.floor((Date.now() - app.startedAt) / 1000)),
        agentId: app.agentId,
        database: app.database.dialect,
      };
    },
  };
}
