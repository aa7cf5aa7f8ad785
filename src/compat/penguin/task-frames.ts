import { ActionResultSchema } from "../../../gen/floe/v1/common_pb.js";
import type { StreamTaskResponse, Task } from "../../../gen/floe/v1/project_pb.js";
import { ExecuteTaskSyncResponseSchema } from "../../../gen/floe/v1/project_pb.js";
import { syncResponseOf } from "../../services/task-view.js";
import { resumeFrame } from "../resume-frames.js";
import { toDocJson } from "../doc-json.js";
import type { Frame } from "./socket-frames.js";

/** What every frame of a finished task says about it: the documented execute-sync shape. */
const outcome = (t: Task) => toDocJson(ExecuteTaskSyncResponseSchema, syncResponseOf(t));

/**
 * A task stream's response as Penguin's frame: `start`, `progress`,
 * `action`, `complete`, `error`, `cancelled`, the approval events, and
 * `snapshot` / `gap` on a resume. Undefined for what the socket does not show.
 */
export function taskFrame(r: StreamTaskResponse): Omit<Frame, "seq"> | undefined {
  const e = r.event;
  if (!e) return undefined;
  const task_id = r.task?.id ?? e.taskId;
  const k = e.kind;
  switch (k.case) {
    case "start":
      return {
        event: "start",
        data: { task_id, conversation_id: e.conversationId, model: k.value.model, name: r.task?.spec?.name ?? "" },
      };
    case "progress": {
      const { iteration, maxIterations, message } = k.value;
      return { event: "progress", data: { task_id, iteration, max_iterations: maxIterations, message } };
    }
    case "action":
      return { event: "action", data: { task_id, ...toDocJson(ActionResultSchema, k.value.result) } };
    case "complete":
      return { event: "complete", data: { ...(r.task ? outcome(r.task) : {}), task_id } };
    case "error": {
      const { message, code } = k.value;
      return { event: "error", data: { ...(r.task ? outcome(r.task) : {}), task_id, message, code } };
    }
    case "cancelled":
      return { event: "cancelled", data: { ...(r.task ? outcome(r.task) : {}), task_id, reason: k.value.reason } };
    case "snapshot": {
      const shared = resumeFrame(e)!;
      const conversation_id = r.task?.conversationId ?? e.conversationId;
      return { event: "snapshot", data: { task_id, status: r.task?.status ?? "", ...shared.data, conversation_id } };
    }
    default:
      return resumeFrame(e);
  }
}
