import { contentHasMedia, contentToText, type RunAgentInput } from "@ag-ui/core";
import { RunAgentInputSchema } from "@ag-ui/core/schemas";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ChatRequestSchema } from "../../../gen/floe/v1/chat_pb.js";
import { invalidBody, invalidField } from "../../services/request-errors.js";

/** A RunAgentInput, checked against the protocol's own schema (@ag-ui/core); InvalidArgument names what is wrong. */
export function parseRunInput(body: unknown): RunAgentInput {
  const parsed = RunAgentInputSchema.safeParse(body);
  if (parsed.success) return parsed.data as RunAgentInput;
  const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
  throw invalidBody(`invalid RunAgentInput: ${issues.join("; ")}`);
}

/**
 * The ChatRequest a RunAgentInput asks for. The thread is the conversation
 * (created on first use, as AG-UI clients name their threads); the client's
 * runId is the request id, so a retried request joins its run instead of
 * starting another; the last user message is the input, since Floe keeps the
 * history itself; `context` entries become the chat's context dictionary;
 * forwardedProps.agentId and forwardedProps.model pick the agent and model.
 * ChatService checks every rule.
 */
export function chatRequestOf(input: RunAgentInput): MessageInitShape<typeof ChatRequestSchema> {
  const last = input.messages.findLast((m) => m.role === "user");
  if (!last) throw invalidField("messages", "has no user message: the agent answers the last message with role 'user'");
  if (contentHasMedia(last.content)) {
    throw invalidField("messages", "has media in its last user message: this endpoint takes text parts only");
  }
  const props = forwardedProps(input);
  const context: Record<string, string> = {};
  for (const c of input.context ?? []) context[c.description] = c.value;
  return {
    text: contentToText(last.content),
    conversationId: input.threadId,
    createConversation: true,
    requestId: input.runId,
    agentId: optionalString(props, "agentId"),
    model: optionalString(props, "model"),
    includeReasoning: true,
    ...(Object.keys(context).length > 0 && { context }),
  };
}

/** forwardedProps as an object; anything else (absent, a string) carries nothing Floe reads. */
export function forwardedProps(input: RunAgentInput): Record<string, unknown> {
  const p: unknown = input.forwardedProps;
  return typeof p === "object" && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

/** The client's state, when it is an object: STATE_SNAPSHOT keeps it beside Floe's key. */
export function clientState(input: RunAgentInput): Record<string, unknown> {
  const s: unknown = input.state;
  return typeof s === "object" && s !== null && !Array.isArray(s) ? (s as Record<string, unknown>) : {};
}

function optionalString(props: Record<string, unknown>, field: string): string {
  const v = props[field];
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw invalidField(`forwardedProps.${field}`, "must be a string");
  return v;
}
