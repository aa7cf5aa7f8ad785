import type {} from "@fastify/websocket";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import { ChatRequestSchema, ChatService } from "../../../gen/floe/v1/chat_pb.js";
import { ActionResultSchema } from "../../../gen/floe/v1/common_pb.js";
import type { Event } from "../../../gen/floe/v1/events_pb.js";
import type { InProcessInvoker } from "../../server/in-process-invoker.js";
import { toDocJson } from "../doc-json.js";
import { parseAs } from "../request-json.js";
import { resumeEnd } from "../resume-end.js";
import { TokenCoalescer } from "./token-coalescer.js";

type Frame = { event: string; data: Record<string, unknown>; seq?: number };

/**
 * WS /api/v1/chat/stream. Each JSON message is a chat request (Penguin's
 * fields) or `{"resume": {"conversation_id", "after_seq"}}`; messages are
 * handled in order and the socket stays open. Bad input gets an `error` frame.
 */
export function registerPenguinChatSocket(
  fastify: FastifyInstance,
  inv: InProcessInvoker,
  originAllowed: (req: FastifyRequest) => boolean,
): void {
  fastify.get("/api/v1/chat/stream", { websocket: true }, (socket: WebSocket, req: FastifyRequest) => {
    if (!originAllowed(req)) {
      socket.close(1008, "origin not allowed");
      return;
    }
    const closed = new AbortController();
    socket.on("close", () => closed.abort());
    const send = (f: Frame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(f));
    };
    let queue = Promise.resolve();
    socket.on("message", (raw) => {
      queue = queue.then(() =>
        handle(String(raw)).catch((e: unknown) => send({ event: "error", data: { message: (e as Error).message } })),
      );
    });

    async function handle(text: string): Promise<void> {
      let msg: Record<string, unknown>;
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
          throw new Error("expected a JSON object");
        msg = parsed as Record<string, unknown>;
      } catch (e) {
        send({ event: "error", data: { message: `invalid JSON message: ${(e as Error).message}` } });
        return;
      }
      const reply = { raw: req.raw } as never;
      if (msg.resume !== undefined) {
        const r = msg.resume as { conversation_id?: unknown; after_seq?: unknown };
        if (
          typeof r !== "object" ||
          r === null ||
          typeof r.conversation_id !== "string" ||
          (r.after_seq !== undefined && typeof r.after_seq !== "number")
        ) {
          send({ event: "error", data: { message: 'resume needs {"conversation_id": string, "after_seq": number}' } });
          return;
        }
        const afterSeq = BigInt(r.after_seq ?? 0);
        const events = inv.stream(
          ChatService.method.subscribe,
          { conversationId: r.conversation_id, afterSeq, includeReasoning: true },
          req,
          reply,
          closed.signal,
        );
        await relay(events, true, resumeEnd(afterSeq));
        return;
      }
      if (typeof msg.text !== "string" || !msg.text.trim()) {
        send({ event: "error", data: { message: "text is required: a non-empty string" } });
        return;
      }
      let chat;
      try {
        chat = parseAs(ChatRequestSchema, msg);
      } catch (e) {
        send({ event: "error", data: { message: (e as Error).message } });
        return;
      }
      await relay(
        inv.stream(ChatService.method.streamMessage, { chat }, req, reply, closed.signal),
        chat.includeReasoning,
      );
    }

    async function relay(
      events: AsyncIterable<{ event?: Event }>,
      includeReasoning: boolean,
      end?: (e: Event) => boolean,
    ): Promise<void> {
      const tokens = new TokenCoalescer((token, seq) => send({ event: "token", data: { token }, seq: Number(seq) }));
      const out = (event: string, data: Record<string, unknown>, e: Event) => {
        tokens.flush();
        send({ event, data, ...(e.seq > 0n ? { seq: Number(e.seq) } : {}) });
      };
      try {
        for await (const { event: e } of events) {
          if (!e) continue;
          const k = e.kind;
          switch (k.case) {
            case "token":
              tokens.push(k.value.token, e.seq);
              break;
            case "reasoning":
              if (includeReasoning) out("reasoning", { token: k.value.token }, e);
              break;
            case "start":
              out("start", { conversation_id: e.conversationId, run_id: e.runId, model: k.value.model }, e);
              break;
            case "progress":
              out("progress", { iteration: k.value.iteration, max_iterations: k.value.maxIterations }, e);
              break;
            case "queued":
              out("queued", { position: k.value.position }, e);
              break;
            case "toolStart":
              out("tool_start", { name: k.value.name, arguments: k.value.arguments }, e);
              break;
            case "toolComplete":
              out(
                "tool_complete",
                {
                  name: k.value.name,
                  success: k.value.success,
                  duration_ms: Number(k.value.durationMs),
                  result_preview: k.value.resultPreview,
                },
                e,
              );
              break;
            case "complete":
              out(
                "complete",
                {
                  response: k.value.response,
                  action_results: k.value.actionResults.map((a) => toDocJson(ActionResultSchema, a)),
                  reasoning: includeReasoning ? k.value.reasoning : "",
                  conversation_id: e.conversationId,
                  iterations: k.value.iterations,
                  status: k.value.status,
                },
                e,
              );
              break;
            case "error":
              out("error", { message: k.value.message, code: k.value.code }, e);
              break;
            case "cancelled":
              out("cancelled", { reason: k.value.reason }, e);
              break;
            case "gap":
              out(
                "gap",
                {
                  requested_after_seq: Number(k.value.requestedAfterSeq),
                  oldest_available_seq: Number(k.value.oldestAvailableSeq),
                },
                e,
              );
              break;
            default:
              break;
          }
          if (end?.(e)) break;
        }
      } finally {
        tokens.flush();
      }
    }
  });
}
