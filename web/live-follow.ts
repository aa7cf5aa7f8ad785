import type { ChatStreamEvent, FloeAgentClient } from "../clients/agent-client.js";
import type { Event } from "../gen/floe/v1/events_pb.js";

/**
 * Follows the runs still live in a conversation that is opened (after a
 * reload, or started elsewhere), so that their answers and approval prompts
 * show: Subscribe replays the conversation, and only the events of the runs
 * its snapshot names as active are kept. Returns at once when none is.
 */
export async function followLiveRuns(
  client: FloeAgentClient,
  conversationId: string,
  signal: AbortSignal,
  onEvent: (e: ChatStreamEvent) => void,
): Promise<void> {
  const request = { conversationId, afterSeq: 0n, includeReasoning: true, endAfterLiveRuns: true };
  let live = new Set<string>();
  for await (const { event } of client.services.chat.subscribe(request, { signal })) {
    if (!event) continue;
    if (event.kind.case === "snapshot") {
      live = new Set(event.kind.value.activeRuns.map((r) => r.runId));
      if (live.size === 0) return;
      continue;
    }
    if (live.has(event.runId)) onEvent(typed(event));
  }
}

function typed(e: Event): ChatStreamEvent {
  return {
    type: e.kind.case,
    seq: e.seq,
    runId: e.runId,
    conversationId: e.conversationId,
    value: e.kind.value,
  } as ChatStreamEvent;
}
