import { create, type JsonObject } from "@bufbuild/protobuf";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { type ActionResult, ActionResultSchema } from "../../gen/floe/v1/common_pb.js";
import type { ConversationRepository } from "../store/conversation-repository.js";
import type { UsageRepository } from "../store/usage-repository.js";
import type { ModelTurn, OpenedTurn, ToolCallRequest } from "./model-provider.js";
import type { RunEventWriter } from "./run-event-writer.js";
import { callTool, type ToolCallScope } from "./tool-call.js";
import { truncate } from "./tools/truncate.js";

/** What the loop works with; the run executor builds it. */
export interface LoopContext {
  /** The channel the run's messages are stored on (a routed message's), or empty. */
  channel?: string;
  conversationId: string;
  agentId: string;
  modelName: string;
  /** The prompt (see buildPrompt); the loop appends to it. */
  messages: ChatCompletionMessageParam[];
  maxIterations: number;
  /** The first model request, already sent. */
  firstTurn: OpenedTurn;
  /** Sends the next model request: the executor is the only code that opens one. */
  openTurn: (messages: ChatCompletionMessageParam[]) => OpenedTurn;
  events: RunEventWriter;
  conversations: Pick<ConversationRepository, "appendMessage">;
  /** Hears of each message the loop stores, once it is stored (automatic checkpoints). Never rejects. */
  afterMessage: () => Promise<void>;
  usage: UsageRepository;
  tools: Omit<ToolCallScope, "events">;
}

export interface RunOutcome {
  status: "completed" | "max_iterations";
  response: string;
  reasoning: string;
  actionResults: ActionResult[];
  iterations: number;
  toolCalls: number;
  usage: { prompt: number; completion: number };
}

/**
 * The agent loop: up to `maxIterations` model calls on the prompt, running
 * the tools each asks for. Writes the run's events after its start, except
 * the terminal one, which the executor writes so that every run ends with
 * exactly one.
 */
export async function runAgentLoop(c: LoopContext): Promise<RunOutcome> {
  const out: RunOutcome = {
    status: "completed",
    response: "",
    reasoning: "",
    actionResults: [],
    iterations: 0,
    toolCalls: 0,
    usage: { prompt: 0, completion: 0 },
  };
  const answerParts: string[] = [];
  for (let iteration = 1; iteration <= c.maxIterations; iteration++) {
    out.iterations = iteration;
    c.events.emit({ case: "progress", value: { iteration, maxIterations: c.maxIterations } });
    const turn = await readTurn(c, iteration === 1 ? c.firstTurn : c.openTurn(c.messages), out);
    if (turn.content) answerParts.push(turn.content);
    if (turn.toolCalls.length === 0) {
      await c.conversations.appendMessage(c.conversationId, {
        role: "assistant",
        content: turn.content,
        agentId: c.agentId,
        channel: c.channel,
      });
      await c.afterMessage();
      return { ...out, response: turn.content };
    }
    await recordToolRequest(c, turn);
    for (const call of turn.toolCalls) await runToolCall(c, call, out);
  }
  // The limit ended the run while tools were still being called: keep what was produced.
  return { ...out, status: "max_iterations", response: answerParts.join("\n\n") };
}

/** Reads one model turn, streaming its deltas and recording its usage. */
async function readTurn(c: LoopContext, opened: OpenedTurn, out: RunOutcome): Promise<ModelTurn> {
  c.events.startTurn();
  const turn = await opened.read({ onToken: (t) => c.events.token(t), onReasoning: (t) => c.events.reasoning(t) });
  c.events.flush();
  out.usage.prompt += turn.usage.prompt;
  out.usage.completion += turn.usage.completion;
  out.reasoning += turn.reasoning;
  await c.usage.record(c.conversationId, c.agentId, c.modelName, turn.usage.prompt, turn.usage.completion);
  return turn;
}

/** Stores the assistant's tool request and adds it to the prompt. */
async function recordToolRequest(c: LoopContext, turn: ModelTurn): Promise<void> {
  const calls = turn.toolCalls.map((t) => ({
    id: t.id,
    type: "function" as const,
    function: { name: t.name, arguments: t.arguments },
  }));
  await c.conversations.appendMessage(c.conversationId, {
    role: "assistant",
    content: turn.content,
    agentId: c.agentId,
    toolCalls: calls as unknown as JsonObject[],
  });
  await c.afterMessage();
  c.messages.push({ role: "assistant", content: turn.content || null, tool_calls: calls });
}

async function runToolCall(c: LoopContext, call: ToolCallRequest, out: RunOutcome): Promise<void> {
  const { signal } = c.tools;
  if (signal.aborted) throw signal.reason;
  out.toolCalls++;
  c.events.emit({ case: "toolStart", value: { name: call.name, toolCallId: call.id, arguments: call.arguments } });
  const started = performance.now();
  const { status, result } = await callTool(call, { ...c.tools, events: c.events });
  if (signal.aborted) throw signal.reason;
  const shown = truncate(result);
  c.events.emit({
    case: "toolComplete",
    value: {
      name: call.name,
      success: status === "completed",
      durationMs: BigInt(Math.round(performance.now() - started)),
      resultPreview: shown.slice(0, 200),
      toolCallId: call.id,
      status,
    },
  });
  out.actionResults.push(create(ActionResultSchema, { action: call.name, result: shown, status }));
  await c.conversations.appendMessage(c.conversationId, {
    role: "tool",
    content: shown,
    agentId: c.agentId,
    toolCallId: call.id,
    messageType: "action",
  });
  await c.afterMessage();
  c.messages.push({ role: "tool", tool_call_id: call.id, content: shown });
}
