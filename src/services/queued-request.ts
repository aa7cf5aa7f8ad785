import { fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import { type ChatRequest, ChatRequestSchema } from "../../gen/floe/v1/chat_pb.js";
import type { RunSeams } from "../agent/run-plan.js";

/** The seams that outlive a process: everything but the approval hook, which each instance supplies. */
type PortableSeams = Omit<RunSeams, "awaitDecision">;

interface QueuedRequest {
  chat: JsonValue;
  seams: PortableSeams;
}

/** A queued run's request as stored with its row (`runs.request`). */
export function encodeQueuedRequest(chat: ChatRequest, seams: RunSeams): string {
  const { parentRunId, deadline, agentPath, cause, messageHops, keyName } = seams;
  const portable: PortableSeams = { parentRunId, deadline, agentPath, cause, messageHops, keyName };
  return JSON.stringify({ chat: toJson(ChatRequestSchema, chat), seams: portable } satisfies QueuedRequest);
}

export function decodeQueuedRequest(text: string): { chat: ChatRequest; seams: RunSeams } {
  const q = JSON.parse(text) as QueuedRequest;
  return { chat: fromJson(ChatRequestSchema, q.chat), seams: q.seams };
}
