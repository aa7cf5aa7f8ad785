import { create } from "@bufbuild/protobuf";
import { ChatMessageSchema } from "../../gen/floe/v1/common_pb.js";
import { type Event, EventSchema } from "../../gen/floe/v1/events_pb.js";
import type { RunRegistry } from "../agent/run-registry.js";
import type { Logger } from "../domain/logger.js";
import type { EventFeed } from "../events/event-feed.js";
import type { EventLog } from "../events/event-log.js";

/**
 * Puts what runs do on the cross-conversation feed: each run's user message
 * when it starts and its answer when it completes (`message`, stored), and
 * its tokens as they stream (`stream_chunk`, live only).
 */
export function bridgeRunsToFeed(events: EventLog, runs: RunRegistry, feed: EventFeed, log: Logger): () => void {
  const message = (e: Event, role: string, content: string, channel: string, messageType = "message") => {
    const chatMessage = create(ChatMessageSchema, {
      role,
      content,
      timestamp: e.timestamp,
      agentId: e.agentId,
      channel,
      messageType,
    });
    const event = create(EventSchema, {
      conversationId: e.conversationId,
      runId: e.runId,
      agentId: e.agentId,
      agentPath: e.agentPath,
      timestamp: e.timestamp,
      kind: { case: "message", value: { message: chatMessage, conversationId: e.conversationId } },
    });
    feed
      .publish({ type: "message", event, agents: [e.agentId], channel, messageType })
      .catch((err: unknown) => log.error({ err, runId: e.runId }, "could not publish a message on the feed"));
  };
  const channels = new Map<string, string>();
  return events.tap((e) => {
    switch (e.kind.case) {
      case "token":
        feed.publishLive({
          type: "stream_chunk",
          event: e,
          agents: [e.agentId],
          channel: channels.get(e.runId) ?? "",
          messageType: "",
        });
        return;
      case "start": {
        const plan = runs.planOf(e.runId);
        if (!plan) return;
        const channel = plan.seams.cause?.channel ?? "";
        channels.set(e.runId, channel);
        message(e, "user", plan.text, channel, plan.seams.cause?.messageType);
        return;
      }
      case "complete": {
        const channel = channels.get(e.runId) ?? "";
        channels.delete(e.runId);
        const { response } = e.kind.value;
        // Published once the run's result is recorded: a reader of the feed then finds the run ended everywhere.
        const done = runs.find(e.runId)?.done ?? Promise.resolve();
        void done.then(() => message(e, "assistant", response, channel));
        return;
      }
      case "error":
      case "cancelled":
        channels.delete(e.runId);
    }
  });
}
