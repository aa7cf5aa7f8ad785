import { createHash } from "node:crypto";
import { join } from "node:path";
import { create, toJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { type ChatRequest, ChatRequestSchema } from "../../gen/floe/v1/chat_pb.js";
import type { ModelConfig } from "../../gen/floe/v1/common_pb.js";
import { readContextFiles, readImage } from "../agent/chat-input.js";
import type { ModelRegistry } from "../agent/model-registry.js";
import type { AgentProfile } from "../domain/agent-profile.js";
import { invalidField } from "./request-errors.js";

export const DEFAULT_MAX_ITERATIONS = 5;
const MAX_ITERATIONS_LIMIT = 100;

/** The rules every chat request passes, on every surface: the one place they are checked. */
export function validateChat(chat: ChatRequest): { text: string; maxIterations: number } {
  const text = chat.text.trim();
  if (!text) throw invalidField("text", "is required: send the message content");
  const maxIterations = chat.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (!Number.isInteger(maxIterations) || maxIterations < 1 || maxIterations > MAX_ITERATIONS_LIMIT) {
    // A value out of range, not a missing field: a plain InvalidArgument (400 on every surface).
    throw new ConnectError(
      `max_iterations must be between 1 and ${MAX_ITERATIONS_LIMIT}, got ${maxIterations}`,
      Code.InvalidArgument,
    );
  }
  return { text, maxIterations };
}

/** The agent a request names (`default` when it names none). */
export function agentFor(chat: ChatRequest, profiles: (id: string) => AgentProfile | undefined): AgentProfile {
  const agentId = chat.agentId.trim() || "default";
  const profile = profiles(agentId);
  if (!profile) {
    throw new ConnectError(
      `agent ${JSON.stringify(agentId)} not found: create it with AgentService.CreateAgent or omit agent_id`,
      Code.NotFound,
    );
  }
  if (profile.paused || profile.inactive) {
    const how = profile.paused ? "paused: resume it with" : "inactive: activate it with";
    const fix = profile.paused ? '{"paused": false}' : '{"active": true}';
    throw new ConnectError(
      `agent ${JSON.stringify(agentId)} is ${how} PATCH /api/v1/agents/${agentId} ${fix}`,
      Code.FailedPrecondition,
    );
  }
  return profile;
}

/** The request's model, else the agent's, else the current one. */
export function modelFor(chat: ChatRequest, profile: AgentProfile, models: ModelRegistry): ModelConfig {
  const requested = chat.model.trim();
  if (requested) {
    const found = models.find(requested);
    if (found) return found;
    // A name the config does not list is sent upstream as-is on the current model's endpoint.
    return { ...models.current, id: requested, name: requested };
  }
  return (profile.modelId && models.find(profile.modelId)) || models.current;
}

/** The image and context files a request attaches, read and confined. */
export function attachmentsOf(chat: ChatRequest, model: ModelConfig, root: string, workspace: string) {
  const imagePath = chat.imagePath.trim();
  return {
    imageDataUrl: imagePath ? readImage(imagePath, model, root, join(workspace, "uploads")) : "",
    contextFiles: readContextFiles(chat.contextFiles, root, join(workspace, "context")),
  };
}

/** What a reused request id is compared with: the request without the fields a retry may change. */
export function requestHash(chat: ChatRequest): string {
  const copy = create(ChatRequestSchema, { ...chat, requestId: "", cancelOnDisconnect: false });
  return createHash("sha256").update(toJsonString(ChatRequestSchema, copy)).digest("hex");
}
