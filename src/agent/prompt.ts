import type { JsonObject } from "@bufbuild/protobuf";
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { ChatMessage } from "../../gen/floe/v1/common_pb.js";
import { historyToMessages } from "./history-to-messages.js";

export interface PromptInput {
  systemPrompt: string;
  /** The conversation before this run's user message. */
  prior: readonly ChatMessage[];
  /** Context files already read: path and content. */
  contextFiles: { path: string; content: string }[];
  context: JsonObject | undefined;
  text: string;
  /** `data:` URL of the image for vision models, or empty. */
  imageDataUrl: string;
}

/** What the model sees: the system prompt, the history, context files, the context dictionary, then the user's message. */
export function buildPrompt(p: PromptInput): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [
    { role: "system", content: p.systemPrompt },
    ...historyToMessages(p.prior),
  ];
  for (const f of p.contextFiles) messages.push({ role: "system", content: `Context file ${f.path}:\n\n${f.content}` });
  if (p.context && Object.keys(p.context).length)
    messages.push({ role: "system", content: `Additional context (JSON):\n${JSON.stringify(p.context, null, 2)}` });
  if (p.imageDataUrl) {
    const parts: ChatCompletionContentPart[] = [
      { type: "text", text: p.text },
      { type: "image_url", image_url: { url: p.imageDataUrl } },
    ];
    messages.push({ role: "user", content: parts });
  } else {
    messages.push({ role: "user", content: p.text });
  }
  return messages;
}
