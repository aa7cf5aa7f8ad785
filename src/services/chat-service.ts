import { Code, ConnectError, type HandlerContext, type ServiceImpl } from "@connectrpc/connect";
import type { ChatRequest, ChatService } from "../../gen/floe/v1/chat_pb.js";
import type { Event } from "../../gen/floe/v1/events_pb.js";
import type { RunHandle } from "../agent/run.js";
import { isTerminal } from "../events/caught-up.js";
import { subscribe } from "../events/subscription.js";
import { kCallerKey } from "../security/index.js";
import { liveRuns } from "./live-runs.js";
import type { AppContext } from "./app-context.js";
import { notFound, requireField, validConversationId } from "./require.js";
import { resultOrFailure } from "./run-failure.js";
import { getRun, pendingApproval } from "./run-view.js";

function requireChat(chat: ChatRequest | undefined): ChatRequest {
  if (!chat) throw new ConnectError('chat is required: send {"chat": {"text": "…"}}', Code.InvalidArgument);
  return chat;
}

/** Cancels the run if the caller goes away first, when it asked for that. */
function cancelOnDisconnect(app: AppContext, run: RunHandle, chat: ChatRequest, ctx: HandlerContext): () => void {
  if (!chat.cancelOnDisconnect) return () => {};
  let ended = false;
  const onAbort = () => {
    if (!ended) void app.runs.cancel(run.id, "", "client disconnected");
  };
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  return () => {
    ended = true;
    ctx.signal.removeEventListener("abort", onAbort);
  };
}

/** A run's events, from its first to its terminal one, with heartbeats while idle. */
export function runEvents(
  app: AppContext,
  run: RunHandle,
  includeReasoning: boolean,
  signal: AbortSignal,
): AsyncGenerator<Event> {
  return subscribe(app.events, {
    conversationId: run.conversationId,
    afterSeq: run.afterSeq,
    signal,
    heartbeatMs: app.config.heartbeatMs,
    skipSnapshot: true,
    snapshot: async () => ({ activeRuns: [], pendingApprovals: [], messageCount: 0 }),
    filter: (e) => e.runId === run.id && (includeReasoning || e.kind.case !== "reasoning"),
    until: (e) => e.runId === run.id && isTerminal(e),
  });
}

export function chatService(app: AppContext): ServiceImpl<typeof ChatService> {
  return {
    async sendMessage(req, ctx) {
      const chat = requireChat(req.chat);
      const run = await app.chat.start(chat, { keyName: ctx.values.get(kCallerKey) });
      const release = cancelOnDisconnect(app, run, chat, ctx);
      try {
        return resultOrFailure(await run.done);
      } finally {
        release();
      }
    },
    async *streamMessage(req, ctx) {
      const chat = requireChat(req.chat);
      const run = await app.chat.start(chat, { keyName: ctx.values.get(kCallerKey) });
      const release = cancelOnDisconnect(app, run, chat, ctx);
      try {
        for await (const event of runEvents(app, run, chat.includeReasoning, ctx.signal)) yield { event };
      } finally {
        release();
      }
    },
    async *subscribe(req, ctx) {
      const conversationId = validConversationId(requireField(req.conversationId, "conversation_id"));
      const conv = await app.conversations.get(conversationId);
      if (!conv) {
        throw notFound("conversation", conversationId, "list conversations with ConversationService.ListConversations");
      }
      if (req.afterSeq < 0n) throw new ConnectError("after_seq must not be negative", Code.InvalidArgument);
      const events = subscribe(app.events, {
        conversationId,
        afterSeq: Number(req.afterSeq),
        signal: ctx.signal,
        heartbeatMs: app.config.heartbeatMs,
        endAfterLiveRuns: req.endAfterLiveRuns,
        filter: (e) => req.includeReasoning || e.kind.case !== "reasoning",
        snapshot: async () => ({
          activeRuns: await liveRuns(app, conversationId),
          pendingApprovals: (await app.approvals.pending(conversationId)).map(pendingApproval),
          messageCount: (await app.conversations.get(conversationId))?.messageCount ?? conv.messageCount,
        }),
      });
      for await (const event of events) yield { event };
    },
    async cancelRun(req) {
      if (!req.runId.trim() && !req.conversationId.trim()) {
        throw new ConnectError("run_id or conversation_id is required", Code.InvalidArgument);
      }
      const conversationId = req.conversationId.trim();
      return app.runs.cancel(req.runId.trim(), conversationId && validConversationId(conversationId));
    },
    getRun: (req) => getRun(app, req),
  };
}
