import { create, type JsonObject } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  type MessageService,
  type RoutedMessage,
  type SubscribeEventsResponse,
  SubscribeEventsResponseSchema,
} from "../../gen/floe/v1/message_pb.js";
import { mapStream } from "../domain/push-stream.js";
import type { FeedItem } from "../events/event-feed.js";
import { type FeedOut, subscribeFeed } from "../events/feed-subscription.js";
import type { AppContext } from "./app-context.js";
import { type BusMessage, HUMAN, MESSAGE_TYPES } from "./agent-work.js";
import { pendingApproval } from "./run-view.js";
import { invalidValue } from "./request-errors.js";
import { requireField } from "./require.js";
import { kCallerKey } from "../security/index.js";

/** Message routing between agents and the human, and the filtered cross-conversation feed. */
export function messageService(app: AppContext): ServiceImpl<typeof MessageService> {
  const send = async (m: BusMessage, kind: "message" | "human_reply" = "message", keyName = "") => {
    const { id, run } = await app.work.route({ ...m, keyName }, kind);
    return { receipt: { status: "sent", messageId: id, recipient: m.recipient, runId: run?.id ?? "" } };
  };
  return {
    routeMessage(req, ctx) {
      return send(busMessage(req.message, {}), "message", ctx.values.get(kCallerKey));
    },
    sendToAgent(req, ctx) {
      const agentId = agentField(req.agentId || req.message?.recipient || "");
      return send(busMessage(req.message, { recipient: agentId }), "message", ctx.values.get(kCallerKey));
    },
    sendToHuman(req, ctx) {
      const m = busMessage(req.message, { recipient: HUMAN, sender: req.message?.sender || "default" });
      return send(m, "message", ctx.values.get(kCallerKey));
    },
    humanReply(req, ctx) {
      const agentId = agentField(req.agentId || req.message?.recipient || "");
      const m = busMessage(req.message, { recipient: agentId, sender: HUMAN });
      return send(m, "human_reply", ctx.values.get(kCallerKey));
    },
    subscribeEvents(req, ctx) {
      const type = req.messageType.trim();
      if (type && !MESSAGE_TYPES.has(type))
        throw invalidValue("message_type", `must be message, action or status, got ${JSON.stringify(type)}`);
      const filter = feedFilter({
        agentId: req.agentId.trim(),
        messageType: req.messageType.trim(),
        channel: req.channel.trim(),
        includeUi: req.includeUi ?? true,
        includeBus: req.includeBus ?? true,
      });
      const latest = BigInt(app.feed.latestCursor);
      if (req.afterCursor !== undefined && (req.afterCursor < 0n || req.afterCursor > latest))
        throw invalidValue(
          "after_cursor",
          `must be from 0 to the feed's latest cursor ${latest}, got ${req.afterCursor}`,
        );
      const stream = subscribeFeed(app.feed, {
        afterCursor: req.afterCursor === undefined ? undefined : Number(req.afterCursor),
        filter,
        signal: ctx.signal,
        heartbeatMs: app.config.heartbeatMs,
        maxBuffered: app.config.feedSubscriberBuffer,
        snapshot: async () => ({
          activeRuns: app.runs
            .all()
            .filter((r) => !req.agentId.trim() || r.agentId === req.agentId.trim())
            .map((r) => ({ runId: r.id, agentId: r.agentId, startedAt: r.startedAt })),
          pendingApprovals: (await app.approvals.pending()).map(pendingApproval),
          messageCount: await app.conversations.totalMessages(),
        }),
      });
      return mapStream(stream, responseOf);
    },
  };
}

/** One response per feed item, shared by every subscriber: surfaces can cache its encoding. */
const responses = new WeakMap<FeedOut, SubscribeEventsResponse>();

function responseOf(out: FeedOut): SubscribeEventsResponse {
  let r = responses.get(out);
  if (!r) {
    r = create(SubscribeEventsResponseSchema, { type: out.type, event: out.event, cursor: BigInt(out.cursor) });
    responses.set(out, r);
  }
  return r;
}

/** The agent a route names: required, and never the human (use to-human for that). */
function agentField(value: string): string {
  const id = requireField(value, "agent_id");
  if (id === HUMAN) throw invalidValue("agent_id", 'names an agent, not "human": send to the human with to-human');
  return id;
}

function busMessage(m: RoutedMessage | undefined, fixed: Partial<BusMessage>): BusMessage {
  return {
    sender: m?.sender ?? "",
    recipient: m?.recipient ?? "",
    content: m?.content ?? "",
    messageType: m?.messageType ?? "",
    channel: m?.channel ?? "",
    metadata: m?.metadata as JsonObject | undefined,
    ...fixed,
  };
}

export interface FeedFilter {
  agentId: string;
  messageType: string;
  channel: string;
  includeUi: boolean;
  includeBus: boolean;
}

/** Penguin's event filters: bus events and UI events (messages, chunks, messages to the human). */
export function feedFilter(f: FeedFilter): (item: FeedItem) => boolean {
  return (item) => {
    const isBus = item.type === "bus.message";
    if (isBus ? !f.includeBus : !f.includeUi) return false;
    if (f.agentId && !item.agents.includes(f.agentId)) return false;
    if (f.messageType && item.messageType !== f.messageType) return false;
    return !f.channel || item.channel === f.channel;
  };
}
