import { CheckpointService, ListCheckpointsResponseSchema } from "../../../gen/floe/v1/checkpoint_pb.js";
import { queryInt, queryString } from "../request-json.js";
import type { SurfaceRoutes } from "../surface-routes.js";

/** Penguin's checkpoint routes; the rollback also reports the files it changed and its safety checkpoint. */
export function registerPenguinCheckpointRoutes(r: SurfaceRoutes): void {
  r.post(
    "/checkpoints/create",
    "checkpoints",
    "Checkpoint a conversation (name required; session_id optional, default the most recent)",
    CheckpointService.method.createCheckpoint,
  );
  r.add({
    method: "GET",
    url: "/checkpoints",
    tag: "checkpoints",
    summary: "List checkpoints, newest first (session_id, limit default 50)",
    query: { session_id: { type: "string" }, conversation_id: { type: "string" }, limit: { type: "integer" } },
    response: ListCheckpointsResponseSchema,
    async handler(req, reply) {
      const input = {
        sessionId: queryString(req, "session_id"),
        conversationId: queryString(req, "conversation_id"),
        // Given, it must be 1 to 1000 (0 would mean the default to the service).
        limit: queryString(req, "limit") === "" ? 0 : queryInt(req, "limit", 0) || -1,
      };
      const res = await r.inv.unary(CheckpointService.method.listCheckpoints, input, req, reply);
      // The documented item shape.
      return {
        checkpoints: res.checkpoints.map((c) => ({
          id: c.id,
          name: c.name,
          description: c.description,
          created_at: c.createdAt,
          type: c.type,
          session_id: c.sessionId,
        })),
      };
    },
  });
  r.get(
    "/checkpoints/stats",
    "checkpoints",
    "Checkpoint counts and policy",
    CheckpointService.method.getCheckpointStats,
  );
  r.post(
    "/checkpoints/cleanup",
    "checkpoints",
    "Apply the retention policy now",
    CheckpointService.method.cleanupCheckpoints,
  );
  r.post(
    "/checkpoints/:checkpoint_id/rollback",
    "checkpoints",
    "Roll a conversation and the files its agent changed back to a checkpoint (force overrides outside edits)",
    CheckpointService.method.rollbackCheckpoint,
  );
  r.post(
    "/checkpoints/:checkpoint_id/branch",
    "checkpoints",
    "Start a new conversation from a checkpoint",
    CheckpointService.method.branchCheckpoint,
  );
}
