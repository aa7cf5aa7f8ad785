import { toJsonString } from "@bufbuild/protobuf";
import { type Event, EventSchema } from "../../gen/floe/v1/events_pb.js";
import type { EventsTable } from "../store/schema.js";

/** The stored row of a numbered event. */
export function toRow(p: { conversationId: string; seq: number; event: Event }): EventsTable {
  const e = p.event;
  return {
    conversation_id: p.conversationId,
    seq: p.seq,
    run_id: e.runId,
    kind: e.kind.case ?? "",
    payload: toJsonString(EventSchema, e),
    created_at: e.timestamp,
  };
}
