import { fromJsonString } from "@bufbuild/protobuf";
import { type Event, EventSchema } from "../../gen/floe/v1/events_pb.js";
import type { FeedEventsTable } from "../store/schema.js";

/** The feed's event types, as Penguin's event WebSocket names them. */
export type FeedType = "bus.message" | "message" | "stream_chunk" | "human_message";

/** One feed event with what its filters look at. */
export interface FeedItem {
  type: FeedType;
  /** Position in the stored feed; 0 for live-only events (`stream_chunk`). */
  cursor: number;
  event: Event;
  /** The agents it concerns: the sender and the recipient, or the run's agent. */
  agents: readonly string[];
  channel: string;
  messageType: string;
}

/** A stored feed row as the item it was published as. */
export function feedItemOf(r: FeedEventsTable): FeedItem {
  return {
    type: r.type as FeedType,
    cursor: Number(r.cursor),
    event: fromJsonString(EventSchema, r.payload),
    agents: r.agent_id ? r.agent_id.split(",") : [],
    channel: r.channel,
    messageType: r.message_type,
  };
}
