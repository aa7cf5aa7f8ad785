import { randomUUID } from "node:crypto";
import { type Message, type Part, Role } from "@a2a-js/sdk";

/**
 * Builders of the A2A SDK's message types, whose fields are all required:
 * the A2A surface answers with them and the A2A delegation client sends them.
 */
export function textPart(text: string): Part {
  return { content: { $case: "text", value: text }, metadata: undefined, filename: "", mediaType: "text/plain" };
}

/** A message of `role` holding one text part. */
/** Message metadata where one Floe server tells another how many agent-to-agent hops led to a delegation. */
export const FLOE_HOPS = "floe.hops";

export function textMessage(
  role: "user" | "agent",
  text: string,
  at: { taskId?: string; contextId?: string; metadata?: Message["metadata"] } = {},
): Message {
  return {
    messageId: randomUUID(),
    contextId: at.contextId ?? "",
    taskId: at.taskId ?? "",
    role: role === "user" ? Role.ROLE_USER : Role.ROLE_AGENT,
    parts: [textPart(text)],
    metadata: at.metadata,
    extensions: [],
    referenceTaskIds: [],
  };
}

/** The text of parts: text parts as they are, data parts as JSON; files are named, not read. */
export function textOf(parts: readonly Part[] | undefined): string {
  const out: string[] = [];
  for (const p of parts ?? []) {
    const c = p.content;
    if (c?.$case === "text") out.push(c.value);
    else if (c?.$case === "data") out.push(JSON.stringify(c.value));
    else if (c?.$case === "url") out.push(`[file ${p.filename || c.value}]`);
  }
  return out.join("\n");
}
