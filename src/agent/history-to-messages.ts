import type { ChatCompletionMessageParam, ChatCompletionMessageToolCall } from "openai/resources/chat/completions";
import type { ChatMessage } from "../../gen/floe/v1/common_pb.js";

/** Stored messages as the model expects them, tool calls and results included. */
export function historyToMessages(history: readonly ChatMessage[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  for (const m of history) {
    switch (m.role) {
      case "system":
        out.push({ role: "system", content: m.content });
        break;
      case "user":
        out.push({ role: "user", content: m.content });
        break;
      case "assistant":
        out.push(
          m.toolCalls.length
            ? {
                role: "assistant",
                content: m.content || null,
                tool_calls: m.toolCalls as unknown as ChatCompletionMessageToolCall[],
              }
            : { role: "assistant", content: m.content },
        );
        break;
      case "tool":
        out.push({ role: "tool", tool_call_id: m.toolCallId, content: m.content });
        break;
    }
  }
  return out;
}
