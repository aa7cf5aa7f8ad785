import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { type Checkpoint, CheckpointSchema, type CheckpointService } from "../../gen/floe/v1/checkpoint_pb.js";
import type { Conflict } from "../agent/checkpoints/rollback-plan.js";
import type { CheckpointRow } from "../store/checkpoint-repository.js";
import type { AppContext } from "./app-context.js";
import { conflict, invalidValue } from "./request-errors.js";
import { limitField, requireField, validConversationId } from "./require.js";

/** Checkpoints of conversations and of the files their agents changed (Penguin: /api/v1/checkpoints*). */
export function checkpointService(app: AppContext): ServiceImpl<typeof CheckpointService> {
  const cps = app.checkpoints;
  return {
    async createCheckpoint(req) {
      const name = req.name.trim();
      if (!name) throw invalidValue("name", 'must not be blank: name the checkpoint, for example "Before refactoring"');
      const cp = await cps.create(sessionOf(req.sessionId, req.conversationId), "manual", name, req.description);
      return { checkpointId: cp.id, status: "created", name: cp.name, description: cp.description };
    },
    async listCheckpoints(req) {
      const limit = limitField(req.limit, "limit", 50, 1000);
      const rows = await cps.list(sessionOf(req.sessionId, req.conversationId), limit);
      return { checkpoints: rows.map(checkpoint) };
    },
    async rollbackCheckpoint(req) {
      const id = requireField(req.checkpointId, "checkpoint_id");
      const r = await cps.rollback(id, req.force);
      if (r.conflicts) throw refused(id, r.conflicts);
      return {
        status: "success",
        checkpointId: id,
        message: `Successfully rolled back to checkpoint ${id}`,
        changedFiles: r.changedFiles,
        safetyCheckpointId: r.safety.id,
        sessionId: r.safety.conversation_id,
        messageCount: r.messageCount,
      };
    },
    async branchCheckpoint(req) {
      const id = requireField(req.checkpointId, "checkpoint_id");
      const { branchId, checkpoint: cp } = await cps.branch(id, req.name.trim(), req.description);
      return { branchId, sourceCheckpointId: id, status: "created", name: cp.name, description: cp.description };
    },
    async getCheckpointStats() {
      const counts = await cps.countByType();
      const n = (t: string) => counts.get(t) ?? 0;
      const s = app.config.checkpoints;
      return {
        enabled: s.enabled,
        totalCheckpoints: [...counts.values()].reduce((a, b) => a + b, 0),
        autoCheckpoints: n("auto"),
        manualCheckpoints: n("manual"),
        branchCheckpoints: n("branch"),
        rollbackCheckpoints: n("rollback"),
        config: { frequency: s.frequency, retentionHours: s.retentionHours, maxAgeDays: s.maxAgeDays },
      };
    },
    async cleanupCheckpoints() {
      const r = await cps.cleanup();
      return {
        status: "completed",
        cleanedCount: r.cleaned,
        blobsRemoved: r.blobs,
        message: `Cleaned up ${r.cleaned} old checkpoints`,
      };
    },
  };
}

/** A rollback's conflicts as a 409 naming every file and why; says whether `force` would help. */
function refused(id: string, conflicts: Conflict[]) {
  const files = conflicts.map((k) => `${k.file} (${k.why})`).join(", ");
  const fix = conflicts.every((k) => k.overridable)
    ? "set force to overwrite them (the safety checkpoint keeps their current content)"
    : "force cannot override these: put the files back as they were, or remove the links, then roll back";
  return conflict(
    `rollback to ${id} refused, nothing was changed: ${conflicts.length} file(s) cannot be restored as they are: ${files}; ${fix}`,
    conflicts.map((k) => k.file),
  );
}

/** The conversation named by `session_id` or its alias `conversation_id` ("" when neither). */
function sessionOf(sessionId: string, conversationId: string): string {
  const a = sessionId.trim();
  const b = conversationId.trim();
  if (a && b && a !== b) throw invalidValue("conversation_id", "must name the same conversation as session_id");
  const id = a || b;
  return id ? validConversationId(id, a ? "session_id" : "conversation_id") : "";
}

function checkpoint(r: CheckpointRow): Checkpoint {
  return create(CheckpointSchema, {
    id: r.id,
    name: r.name,
    description: r.description,
    createdAt: r.created_at,
    type: r.type,
    sessionId: r.conversation_id,
    messageCount: Number(r.message_count),
    fileCount: r.file_count,
  });
}
