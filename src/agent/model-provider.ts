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

/** A model request already sent; its stream is read once. */
export interface OpenedTurn {
  /** Resolves once the request is on its way (or has failed); never rejects. */
  sent: Promise<void>;
  /** Reads the stream, reporting tokens and reasoning as they arrive. */
  read(on: ModelStreamHandlers): Promise<ModelTurn>;
}

/**
 * One streamed model completion. Opening sends the request at once and
 * reading consumes it, so a run can send its first request while it is still
 * recording its start: the upstream's latency then hides that work.
 */
export interface ModelProvider {
  open(call: ModelCall): OpenedTurn;
}
