import { ConnectError } from "@connectrpc/connect";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebSocket } from "ws";
import { ProjectService, type StreamTaskResponse } from "../../../gen/floe/v1/project_pb.js";
import { type RequestGuards, webSocketGuardHook } from "../../security/index.js";
import type { InProcessInvoker } from "../in-process-invoker.js";
import type { Frame } from "./socket-frames.js";
import { taskFrame } from "./task-frames.js";
import { taskSpecOf } from "./task-routes.js";

const RESUME_SHAPE = 'resume needs {"task_id": string, "after_seq": number}';

/**
 * WS /api/v1/tasks/stream. Each JSON message is a task (Penguin's body: name,
 * description, continuous, time_limit, ...) or `{"resume": {"task_id",
 * "after_seq"}}`; messages are handled in order and the socket stays open.
 * Bad input gets an `error` frame without `task_id`.
 */
export function registerPenguinTaskSocket(
  fastify: FastifyInstance,
  inv: InProcessInvoker,
  guards: RequestGuards,
): void {
  const preValidation = webSocketGuardHook(guards);
  fastify.get("/api/v1/tasks/stream", { websocket: true, preValidation }, (socket: WebSocket, req: FastifyRequest) => {
    const closed = new AbortController();
    socket.on("close", () => closed.abort());
    const send = (f: Frame) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(f));
    };
    let queue = Promise.resolve();
    socket.on("message", (raw) => {
      queue = queue.then(() =>
        handle(inv, req, closed.signal, send, String(raw)).catch((e: unknown) =>
          send({ event: "error", data: { message: ConnectError.from(e).rawMessage } }),
        ),
      );
    });
  });
}

async function handle(
  inv: InProcessInvoker,
  req: FastifyRequest,
  signal: AbortSignal,
  send: (f: Frame) => void,
  text: string,
): Promise<void> {
  const msg = parseObject(text);
  let input;
  if (msg.resume !== undefined) {
    const r = msg.resume as { task_id?: unknown; after_seq?: unknown } | null;
    const badSeq = r?.after_seq !== undefined && typeof r?.after_seq !== "number";
    if (typeof r !== "object" || r === null || typeof r.task_id !== "string" || badSeq) throw new Error(RESUME_SHAPE);
    input = { taskId: r.task_id, afterSeq: BigInt((r.after_seq as number | undefined) ?? 0) };
  } else {
    input = { task: taskSpecOf(msg) };
  }
  const stream: AsyncIterable<StreamTaskResponse> = inv.stream(ProjectService.method.streamTask, input, req, signal);
  for await (const r of stream) {
    const frame = taskFrame(r);
    const seq = r.event?.seq ?? 0n;
    if (frame) send({ ...frame, ...(seq > 0n ? { seq: Number(seq) } : {}) });
  }
}

function parseObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`invalid JSON message: ${(e as Error).message}`, { cause: e });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new Error("invalid JSON message: expected a JSON object");
  return parsed as Record<string, unknown>;
}
