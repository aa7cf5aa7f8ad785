import { ConnectError } from "@connectrpc/connect";
import type {} from "@fastify/websocket";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import { ChatRequestSchema, ChatService } from "../../../gen/floe/v1/chat_pb.js";
import type { Event } from "../../../gen/floe/v1/events_pb.js";
import { type RequestGuards, webSocketGuardHook } from "../../security/index.js";
import type { InProcessInvoker } from "../in-process-invoker.js";
import { parseAs } from "../request-json.js";
import { type Frame, penguinFrame } from "./socket-frames.js";
import { TokenCoalescer } from "./token-coalescer.js";

const RESUME_SHAPE = 'resume needs {"conversation_id": string, "after_seq": number}';

/**
 * WS /api/v1/chat/stream. Each JSON message is a chat request (Penguin's
 * fields) or `{"resume": {"conversation_id", "after_seq"}}`; messages are
 * handled in order and the socket stays open. Bad input gets an `error` frame.
 * The upgrade itself is refused (403, 401) for an untrusted origin or a
 * missing key, before the socket exists.
 */
export function registerPenguinChatSocket(
  fastify: FastifyInstance,
  inv: InProcessInvoker,
  guards: RequestGuards,
): void {
  const preValidation = webSocketGuardHook(guards);
  fastify.get("/api/v1/chat/stream", { websocket: true, preValidation }, (socket: WebSocket, req: FastifyRequest) => {
    const closed = new AbortController();
    socket.on("close", () => closed.abort());
    const send = (f: Frame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(f));
    };
    const session = new ChatSocketSession(inv, req, closed.signal, send);
    let queue = Promise.resolve();
    socket.on("message", (raw) => {
      queue = queue.then(() =>
        session
          .handle(String(raw))
          .catch((e: unknown) => send({ event: "error", data: { message: ConnectError.from(e).rawMessage } })),
      );
    });
  });
}

/** One socket's conversation with the server: parses each message, calls the service, relays its events. */
class ChatSocketSession {
  constructor(
    private readonly inv: InProcessInvoker,
    private readonly req: FastifyRequest,
    private readonly signal: AbortSignal,
    private readonly send: (f: Frame) => void,
  ) {}

  async handle(text: string): Promise<void> {
    const msg = this.parse(text);
    if (!msg) return;
    if (msg.resume !== undefined) return this.resume(msg.resume);
    const chat = parseAs(ChatRequestSchema, msg);
    const events = this.inv.stream(ChatService.method.streamMessage, { chat }, this.req, this.signal);
    await this.relay(events, chat.includeReasoning);
  }

  private parse(text: string): Record<string, unknown> | undefined {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error("expected a JSON object");
      return parsed as Record<string, unknown>;
    } catch (e) {
      this.send({ event: "error", data: { message: `invalid JSON message: ${(e as Error).message}` } });
      return undefined;
    }
  }

  /** Replays what came after the cursor and follows the runs that were live, then stops. */
  private async resume(resume: unknown): Promise<void> {
    const r = resume as { conversation_id?: unknown; after_seq?: unknown } | null;
    const badSeq = r?.after_seq !== undefined && typeof r?.after_seq !== "number";
    if (typeof r !== "object" || r === null || typeof r.conversation_id !== "string" || badSeq) {
      this.send({ event: "error", data: { message: RESUME_SHAPE } });
      return;
    }
    const input = {
      conversationId: r.conversation_id,
      afterSeq: BigInt((r.after_seq as number | undefined) ?? 0),
      includeReasoning: true,
      endAfterLiveRuns: true,
    };
    await this.relay(this.inv.stream(ChatService.method.subscribe, input, this.req, this.signal), true);
  }

  private async relay(events: AsyncIterable<{ event?: Event }>, includeReasoning: boolean): Promise<void> {
    const tokens = new TokenCoalescer((token, seq) => this.send({ event: "token", data: { token }, seq: Number(seq) }));
    try {
      for await (const { event: e } of events) {
        if (!e) continue;
        if (e.kind.case === "token") {
          tokens.push(e.kind.value.token, e.seq);
          continue;
        }
        const frame = penguinFrame(e, includeReasoning);
        if (!frame) continue;
        tokens.flush();
        this.send({ ...frame, ...(e.seq > 0n ? { seq: Number(e.seq) } : {}) });
      }
    } finally {
      tokens.flush();
    }
  }
}
