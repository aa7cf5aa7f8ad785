import { ConnectError } from "@connectrpc/connect";
import type { FastifyReply, FastifyRequest } from "fastify";
import { ChatService } from "../../../gen/floe/v1/chat_pb.js";
import type { Event } from "../../../gen/floe/v1/events_pb.js";
import { invalidBody, invalidField } from "../../services/request-errors.js";
import type { InProcessInvoker } from "../in-process-invoker.js";
import { bodyObject } from "../request-json.js";
import { pawanChatInput } from "./chat-input.js";
import { pawanMessage } from "./pawan-errors.js";
import { openSse, pawanSse, pawanSseError } from "./sse-stream.js";

/**
 * POST /chat/stream. A new request starts a run and streams it. A request
 * with Last-Event-ID (and the session_id) resumes instead: it replays what
 * came after that id and follows the run to its end.
 */
export async function streamPawanChat(
  inv: InProcessInvoker,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<undefined> {
  const abort = new AbortController();
  // The response closing means the client went away (a request's own 'close' fires once its body is read).
  reply.raw.once("close", () => abort.abort());
  const lastEventId = req.headers["last-event-id"];
  const stream =
    typeof lastEventId === "string"
      ? inv.stream(ChatService.method.subscribe, resumeInput(req, lastEventId), req, abort.signal)
      : inv.stream(ChatService.method.streamMessage, { chat: pawanChatInput(req) }, req, abort.signal);
  const iterator = stream[Symbol.asyncIterator]();
  // Errors before the first event (validation, unknown session) keep their JSON shape and status.
  const first = await iterator.next();
  const write = openSse(reply);
  try {
    for (let r = first; !r.done; r = await iterator.next()) {
      const frame = r.value.event && pawanSse(r.value.event as Event);
      if (frame) write(frame);
    }
  } catch (e) {
    write(pawanSseError(pawanMessage(ConnectError.from(e))));
  } finally {
    abort.abort();
    reply.raw.end();
  }
  return undefined;
}

function resumeInput(req: FastifyRequest, lastEventId: string) {
  const seq = Number(lastEventId);
  if (!Number.isInteger(seq) || seq < 0) {
    throw invalidBody(`Last-Event-ID must be a non-negative integer, got ${JSON.stringify(lastEventId)}`);
  }
  const sessionId = bodyObject(req).session_id;
  if (typeof sessionId !== "string" || !sessionId) {
    throw invalidField("session_id", "is required to resume with Last-Event-ID");
  }
  return { conversationId: sessionId, afterSeq: BigInt(seq), endAfterLiveRuns: true };
}
