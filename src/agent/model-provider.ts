import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import type { ModelConfig } from "../../gen/floe/v1/common_pb.js";

export interface ToolCallRequest {
  id: string;
  name: string;
  /** The arguments as the model produced them: JSON text. */
  arguments: string;
}

export interface ModelTurn {
  content: string;
  reasoning: string;
  toolCalls: ToolCallRequest[];
  usage: { prompt: number; completion: number };
  finishReason: string;
}

export interface ModelCall {
  model: ModelConfig;
  messages: ChatCompletionMessageParam[];
  tools: ChatCompletionTool[];
  signal: AbortSignal;
}

export interface ModelStreamHandlers {
  onToken(text: string): void;
  onReasoning(text: string): void;
}

/** One streamed model completion, with tokens and reasoning reported as they arrive. */
export interface ModelProvider {
  complete(call: ModelCall, on: ModelStreamHandlers): Promise<ModelTurn>;
}
