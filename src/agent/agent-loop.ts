import { create, type JsonObject } from "@bufbuild/protobuf";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { ActionResultSchema, type ActionResult, type ModelConfig } from "../../gen/floe/v1/common_pb.js";
import type { EventLog } from "../events/event-log.js";
import type { PermissionGate } from "../security/permission-gate.js";
import type { ConversationRepository } from "../store/conversation-repository.js";
import type { UsageRepository } from "../store/usage-repository.js";
import type { AgentProfile } from "./agent-profile.js";
import { DeltaCoalescer } from "./delta-coalescer.js";
import type { ModelProvider, OpenedTurn } from "./model-provider.js";
import type { Tool } from "./tools/tool.js";
import { ToolError } from "./tools/tool-error.js";
import { asOpenAITools } from "./tools/tool-registry.js";
import { truncate } from "./tools/truncate.js";

/** Everything one run needs, resolved and validated before it starts. */
export interface RunInput {
  runId: string;
  conversationId: string;
  profile: AgentProfile;
  model: ModelConfig;
  /** The prompt (see buildPrompt); the loop appends to it. */
  messages: ChatCompletionMessageParam[];
  maxIterations: number;
  tools: Tool[];
  root: string;
}

export interface RunDeps {
  log: EventLog;
  conversations: ConversationRepository;
  usage: UsageRepository;
  provider: ModelProvider;
  gate: PermissionGate;
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
 * the tools each asks for. Emits the run's events after its start, except the
 * terminal one, which the run manager owns so that every run ends with
 * exactly one. `firstTurn` is the first model request when the run manager
 * already sent it.
 */
export async function runAgentLoop(
  input: RunInput,
  deps: RunDeps,
  signal: AbortSignal,
  firstTurn?: OpenedTurn,
): Promise<RunOutcome> {
  const { log, conversations } = deps;
  const deltas = new DeltaCoalescer(
    (kind, token) =>
      void log.append(input.conversationId, input.runId, input.profile.id, { case: kind, value: { token } }),
  );
  const emit = (kind: Parameters<EventLog["append"]>[3]) => {
    deltas.flush();
    return log.append(input.conversationId, input.runId, input.profile.id, kind);
  };
  const agentId = input.profile.id;

  const messages = input.messages;
  const tools = asOpenAITools(input.tools);
  const byName = new Map(input.tools.map((t) => [t.name, t]));
  const actionResults: ActionResult[] = [];
  const usage = { prompt: 0, completion: 0 };
  let reasoning = "";
  const answerParts: string[] = [];
  let toolCallCount = 0;

  for (let iteration = 1; iteration <= input.maxIterations; iteration++) {
    emit({ case: "progress", value: { iteration, maxIterations: input.maxIterations } });
    deltas.startTurn();
    const opened =
      iteration === 1 && firstTurn ? firstTurn : deps.provider.open({ model: input.model, messages, tools, signal });
    const turn = await opened.read({
      onToken: (t) => deltas.push("token", t),
      onReasoning: (t) => deltas.push("reasoning", t),
    });
    deltas.flush();
    usage.prompt += turn.usage.prompt;
    usage.completion += turn.usage.completion;
    reasoning += turn.reasoning;
    await deps.usage.record(input.conversationId, agentId, input.model.name, turn.usage.prompt, turn.usage.completion);
    if (turn.content) answerParts.push(turn.content);

    if (turn.toolCalls.length === 0) {
      await conversations.appendMessage(input.conversationId, { role: "assistant", content: turn.content, agentId });
      return {
        status: "completed",
        response: turn.content,
        reasoning,
        actionResults,
        iterations: iteration,
        toolCalls: toolCallCount,
        usage,
      };
    }

    const openaiCalls = turn.toolCalls.map((c) => ({
      id: c.id,
      type: "function" as const,
      function: { name: c.name, arguments: c.arguments },
    }));
    await conversations.appendMessage(input.conversationId, {
      role: "assistant",
      content: turn.content,
      agentId,
      toolCalls: openaiCalls as unknown as JsonObject[],
    });
    messages.push({ role: "assistant", content: turn.content || null, tool_calls: openaiCalls });

    for (const call of turn.toolCalls) {
      if (signal.aborted) throw signal.reason;
      toolCallCount++;
      emit({ case: "toolStart", value: { name: call.name, toolCallId: call.id, arguments: call.arguments } });
      const started = performance.now();
      const { status, result } = await runTool(call.name, call.arguments, byName, input, deps, signal);
      if (signal.aborted) throw signal.reason;
      const shown = truncate(result);
      emit({
        case: "toolComplete",
        value: {
          name: call.name,
          success: status === "completed",
          durationMs: BigInt(Math.round(performance.now() - started)),
          resultPreview: shown.slice(0, 200),
          toolCallId: call.id,
        },
      });
      actionResults.push(create(ActionResultSchema, { action: call.name, result: shown, status }));
      await conversations.appendMessage(input.conversationId, {
        role: "tool",
        content: shown,
        agentId,
        toolCallId: call.id,
        messageType: "action",
      });
      messages.push({ role: "tool", tool_call_id: call.id, content: shown });
    }
  }
  // The limit ended the run while tools were still being called: keep what was produced.
  return {
    status: "max_iterations",
    response: answerParts.join("\n\n"),
    reasoning,
    actionResults,
    iterations: input.maxIterations,
    toolCalls: toolCallCount,
    usage,
  };
}

async function runTool(
  name: string,
  rawArgs: string,
  tools: Map<string, Tool>,
  input: RunInput,
  deps: RunDeps,
  signal: AbortSignal,
): Promise<{ status: "completed" | "error" | "denied"; result: string }> {
  const tool = tools.get(name);
  if (!tool)
    return {
      status: "error",
      result: `unknown tool ${JSON.stringify(name)}; available: ${[...tools.keys()].join(", ")}`,
    };
  let args: Record<string, unknown>;
  try {
    const parsed: unknown = rawArgs.trim() ? JSON.parse(rawArgs) : {};
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new Error("arguments must be a JSON object");
    args = parsed as Record<string, unknown>;
  } catch (e) {
    return { status: "error", result: `invalid arguments for ${name}: ${(e as Error).message}` };
  }
  const decision = await deps.gate.decide(
    {
      toolName: name,
      operation: tool.operation,
      resource: tool.resource(args),
      agentId: input.profile.id,
      conversationId: input.conversationId,
      runId: input.runId,
    },
    signal,
  );
  if (decision.result === "deny") return { status: "denied", result: `permission denied: ${decision.reason}` };
  try {
    return { status: "completed", result: await tool.run(args, { root: input.root, signal }) };
  } catch (e) {
    if (e instanceof ToolError || e instanceof TypeError) return { status: "error", result: e.message };
    const err = e as NodeJS.ErrnoException;
    return { status: "error", result: `${name} failed: ${err.code ? `${err.code}: ` : ""}${err.message}` };
  }
}
