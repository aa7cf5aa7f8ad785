import { ConnectError } from "@connectrpc/connect";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import type { Event } from "../../../gen/floe/v1/events_pb.js";
import { MessageService, type SubscribeEventsResponse } from "../../../gen/floe/v1/message_pb.js";
import { TelemetryService, TelemetrySummarySchema } from "../../../gen/floe/v1/telemetry_pb.js";
import { isPushable, kPush, mapStream } from "../../domain/push-stream.js";
import { type RequestGuards, webSocketGuardHook } from "../../security/index.js";
import { pendingApprovalsJson } from "../approval-frames.js";
import { toDocJson } from "../doc-json.js";
import type { InProcessInvoker } from "../in-process-invoker.js";
import { queryBool, queryString } from "../request-json.js";

/** A subscriber whose socket holds more than this unsent is dropped as fallen behind. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Close code for a subscriber dropped for falling behind (application range). */
export const CLOSE_FELL_BEHIND = 4008;
const CLOSE_BAD_REQUEST = 1008;

/**
 * Penguin's event WebSocket (/api/v1/events/ws and its alias
 * /api/v1/ws/messages) and telemetry WebSocket (/api/v1/ws/telemetry): each
 * relays a server-streamed RPC as JSON frames `{"event", "data"}`.
 */
export function registerPenguinEventSockets(
  fastify: FastifyInstance,
  inv: InProcessInvoker,
  guards: RequestGuards,
): void {
  const preValidation = webSocketGuardHook(guards);
  for (const url of ["/api/v1/events/ws", "/api/v1/ws/messages"]) {
    fastify.get(url, { websocket: true, preValidation }, (socket: WebSocket, req: FastifyRequest) =>
      relay(socket, (signal) => feedFrames(inv, req, signal)),
    );
  }
  fastify.get("/api/v1/ws/telemetry", { websocket: true, preValidation }, (socket: WebSocket, req: FastifyRequest) =>
    relay(socket, (signal) => telemetryFrames(inv, req, signal)),
  );
}

type Frame = { event: string; data: unknown; cursor?: number };

/** Sends each frame until the stream ends or the socket closes; a bad request is an error frame and close 1008. */
function relay(socket: WebSocket, frames: (signal: AbortSignal) => AsyncIterable<Frame | Buffer>): void {
  const closed = new AbortController();
  socket.on("close", () => closed.abort());
  const fail = (e: unknown) => {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify({ event: "error", data: { message: ConnectError.from(e).rawMessage } }));
    socket.close(CLOSE_BAD_REQUEST, "bad request");
  };
  /** Sends one frame; false when the socket is gone or was closed for falling behind. */
  const send = (f: Frame | Buffer): boolean => {
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      socket.close(CLOSE_FELL_BEHIND, "subscriber fell behind: reconnect with after_cursor");
      return false;
    }
    // A prepared frame is sent as the text it holds.
    if (Buffer.isBuffer(f)) socket.send(f, { binary: false });
    else socket.send(JSON.stringify(f));
    return true;
  };
  let stream: AsyncIterable<Frame | Buffer>;
  try {
    stream = frames(closed.signal);
  } catch (e) {
    return fail(e);
  }
  if (isPushable(stream)) {
    // Push: an idle subscriber holds no pending read; the socket's own buffer is the limit.
    const control = stream[kPush]({
      push: (f) => send(f) || (control.cancel(), true),
      end: (e) => (e === undefined ? socket.readyState === socket.OPEN && socket.close(1000) : fail(e)),
    });
    socket.on("close", () => control.cancel());
    return;
  }
  void (async () => {
    try {
      for await (const f of stream) if (!send(f)) return;
      socket.close(1000);
    } catch (e) {
      fail(e);
    }
  })();
}

function feedFrames(inv: InProcessInvoker, req: FastifyRequest, signal: AbortSignal): AsyncIterable<Frame | Buffer> {
  const after = queryString(req, "after_cursor");
  if (after && !/^\d+$/.test(after))
    throw new Error(`after_cursor must be a non-negative integer, got ${JSON.stringify(after)}`);
  const input = {
    agentId: queryString(req, "agent_id"),
    messageType: queryString(req, "message_type"),
    channel: queryString(req, "channel"),
    includeUi: queryBool(req, "include_ui"),
    includeBus: queryBool(req, "include_bus"),
    afterCursor: after ? BigInt(after) : undefined,
  };
  return mapStream(inv.stream(MessageService.method.subscribeEvents, input, req, signal), feedFrame);
}

/** A feed response as a frame: built once per response, which every subscriber shares. */
function feedFrame(r: SubscribeEventsResponse): Frame | Buffer {
  if (!r.event) return { event: r.type, data: {} };
  if (r.type === "gap" && r.event.kind.case === "gap") {
    // The stream ends after a gap for a subscriber that fell behind: say where to resume.
    const { requestedAfterSeq, oldestAvailableSeq } = r.event.kind.value;
    return {
      event: "gap",
      data: { after_cursor: Number(requestedAfterSeq), oldest_available_cursor: Number(oldestAvailableSeq) },
    };
  }
  let bytes = frames.get(r);
  if (bytes === undefined) {
    const cursor = Number(r.cursor);
    bytes = Buffer.from(JSON.stringify({ event: r.type, data: frameData(r.event), ...(cursor ? { cursor } : {}) }));
    frames.set(r, bytes);
  }
  return bytes;
}

const frames = new WeakMap<object, Buffer>();

/** An event's payload in Penguin's snake_case, with where it came from. */
function frameData(e: Event): Record<string, unknown> {
  const k = e.kind;
  const where = {
    ...(e.agentId ? { agent_id: e.agentId } : {}),
    ...(e.conversationId ? { conversation_id: e.conversationId } : {}),
    ...(e.runId ? { run_id: e.runId } : {}),
    ...(e.agentPath.length ? { agent_path: e.agentPath } : {}),
    timestamp: e.timestamp,
  };
  switch (k.case) {
    case "busMessage": {
      const { sender, recipient, content, messageType, channel, metadata } = k.value;
      return { ...where, sender, recipient, content, message_type: messageType, channel, metadata: metadata ?? {} };
    }
    case "humanMessage": {
      const { sender, content, messageType, channel } = k.value;
      return { ...where, sender, content, message_type: messageType, channel };
    }
    case "message": {
      const m = k.value.message;
      return { ...where, role: m?.role, content: m?.content, channel: m?.channel, message_type: m?.messageType };
    }
    case "token":
      return { ...where, token: k.value.token, seq: Number(e.seq) };
    case "snapshot":
      return {
        latest_cursor: Number(k.value.latestSeq),
        active_runs: k.value.activeRuns.map((r) => ({ run_id: r.runId, agent_id: r.agentId, started_at: r.startedAt })),
        pending_approvals: pendingApprovalsJson(e),
        message_count: k.value.messageCount,
      };
    case "heartbeat":
      return { latest_cursor: Number(k.value.latestSeq) };
    default:
      return where;
  }
}

async function* telemetryFrames(
  inv: InProcessInvoker,
  req: FastifyRequest,
  signal: AbortSignal,
): AsyncGenerator<Frame> {
  const raw = queryString(req, "interval");
  const interval = raw ? Number(raw) : 0;
  if (raw && !Number.isFinite(interval))
    throw new Error(`interval must be a number of seconds, got ${JSON.stringify(raw)}`);
  // The RPC reads 0 as "the default"; on this route 0 was asked for, and is below the minimum.
  if (raw && interval <= 0) throw new Error(`interval must be between 0.1 and 3600 seconds, got ${raw}`);
  const input = { agentId: queryString(req, "agent_id"), interval };
  for await (const r of inv.stream(TelemetryService.method.watchTelemetry, input, req, signal)) {
    yield { event: "telemetry", data: toDocJson(TelemetrySummarySchema, r.telemetry) };
  }
}
