import { setImmediate as nextCheckPhase } from "node:timers/promises";
import { toJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import { SendMessageResponseSchema } from "../../gen/floe/v1/chat_pb.js";
import type { Event } from "../../gen/floe/v1/events_pb.js";
import type { ModelConfig } from "../../gen/floe/v1/common_pb.js";
import type { Logger } from "../domain/logger.js";
import type { EventLog } from "../events/event-log.js";
import type { PermissionGate } from "../security/permission-gate.js";
import type { ConversationRepository } from "../store/conversation-repository.js";
import type { RunRepository, RunRow } from "../store/run-repository.js";
import type { RunStartStore } from "../store/run-start-store.js";
import type { UsageRepository } from "../store/usage-repository.js";
import { messageCheckpoints } from "./message-checkpoints.js";
import { runAgentLoop } from "./agent-loop.js";
import type { ModelProvider, OpenedTurn } from "./model-provider.js";
import { buildPrompt } from "./prompt.js";
import type { Run } from "./run.js";
import { RunEventWriter } from "./run-event-writer.js";
import { userMessageOf } from "./run-plan.js";
import { completed, failed, type RunEnding, stopped } from "./run-result.js";
import { asOpenAITools } from "./tools/tool-registry.js";
import type { Sandbox } from "./tools/sandbox.js";
import type { AgentOps } from "./tools/tool.js";
import type { FileChangeRecorder } from "./tools/file-changes.js";

/** A run's prompt and its first model request, sent while the run's rows are written. */
export interface FirstTurn {
  messages: ChatCompletionMessageParam[];
  turn: OpenedTurn;
}

export interface RunExecutorDeps {
  events: EventLog;
  conversations: ConversationRepository;
  runs: RunRepository;
  /** Where a queued run's message moves into the history. */
  starts: RunStartStore;
  usage: UsageRepository;
  gate: PermissionGate;
  providerFor: (model: ModelConfig) => ModelProvider;
  logger: Logger;
  /** The environment shell commands run with (see commandEnvironment). */
  commandEnv: Readonly<Record<string, string>>;
  /** Where shell commands run. */
  sandbox: Sandbox;
  /** Hears of the file tools' changes (checkpoints). */
  files?: FileChangeRecorder;
  /** Runs once a run's messages are stored and its result recorded (automatic checkpoints); errors are logged. */
  afterRun?: (conversationId: string) => Promise<void>;
  /** Runs after each message a run stores, its user message included (automatic checkpoints); errors are logged. */
  afterMessage?: (conversationId: string) => Promise<void>;
}

/**
 * Executes runs: the only code that calls the model and, through one
 * RunEventWriter per run, the only writer of run events. Every run it
 * executes ends with exactly one terminal event (complete, error or
 * cancelled), written before its result is recorded.
 */
export class RunExecutor {
  private agentOps: AgentOps | undefined;

  constructor(private readonly deps: RunExecutorDeps) {}

  /** The multi-agent services, attached once they exist (they start runs through this executor). */
  attachAgentOps(ops: AgentOps): void {
    this.agentOps = ops;
  }

  /**
   * Sends a run's first model request before its rows are written: the
   * upstream's latency hides that work. Resolves once the request has left.
   */
  async sendFirstTurn(run: Run): Promise<FirstTurn> {
    const prior = run.plan.newConversation ? [] : await this.priorMessages(run.conversationId);
    const first = this.openFirstTurn(run, prior);
    await first.turn.sent;
    // SQLite writes block the thread: let the request leave first.
    await nextCheckPhase();
    return first;
  }

  /** A run waits behind the conversation's active run. */
  announceQueued(run: Run, position: number): void {
    this.writer(run).emit({ case: "queued", value: { position } });
  }

  /** Runs to the end and returns the result. Never rejects. `first` is absent for a run that was queued. */
  async execute(run: Run, first?: FirstTurn): Promise<RunEnding["result"]> {
    const { plan } = run;
    const events = this.writer(run);
    try {
      const opened = first ?? (await this.startQueued(run));
      events.emit({
        case: "start",
        value: {
          model: plan.model.name,
          requestId: plan.requestId,
          parentRunId: plan.seams.parentRunId ?? "",
          cause: plan.seams.cause ?? { kind: "chat" },
        },
      });
      // The run's user message is stored by now (with its rows, or as its queued turn came).
      const checkpoints = messageCheckpoints(() => this.afterMessage(run), this.deps.conversations);
      const outcome = await runAgentLoop({
        conversationId: run.conversationId,
        agentId: run.agentId,
        channel: plan.seams.cause?.channel,
        modelName: plan.model.name,
        messages: opened.messages,
        maxIterations: plan.maxIterations,
        firstTurn: opened.turn,
        openTurn: (messages) => this.openTurn(run, messages),
        events,
        conversations: checkpoints.conversations,
        afterMessage: checkpoints.afterMessage,
        usage: this.deps.usage,
        tools: {
          tools: new Map(plan.tools.map((t) => [t.name, t])),
          root: plan.root,
          env: this.deps.commandEnv,
          sandbox: this.deps.sandbox,
          gate: this.deps.gate,
          seams: plan.seams,
          who: { agentId: run.agentId, conversationId: run.conversationId, runId: run.id, keyName: plan.seams.keyName },
          signal: run.signal,
          agentPath: plan.seams.agentPath ?? [run.agentId],
          messageHops: plan.seams.messageHops ?? 0,
          agents: this.agentOps,
          files: this.deps.files,
        },
      });
      await checkpoints.settle();
      return await this.end(run, completed(run, outcome), events);
    } catch (e) {
      if (run.signal.aborted) return this.end(run, stopped(run, run.signal.reason, plan.model.name), events);
      this.deps.logger.warn({ runId: run.id, err: e }, "run failed");
      return this.end(run, failed(run, e, plan.model.name), events);
    }
  }

  /** Ends a queued run that never started. */
  endQueued(run: Run, reason: string): Promise<RunEnding["result"]> {
    return this.end(run, stopped(run, new ConnectError(reason, Code.Canceled)));
  }

  /**
   * Ends runs a previous process left open with exactly one terminal event:
   * the one it stored before the crash, or an error. A queued run's message
   * is stored in the history, so that its text is kept.
   */
  async endInterrupted(
    rows: readonly RunRow[],
    why = "the run was interrupted by a server restart; send the message again",
  ): Promise<void> {
    const reason = new ConnectError(why, Code.Aborted);
    for (const row of rows) {
      const at = { conversationId: row.conversation_id, runId: row.id, agentId: row.agent_id };
      await this.deps.events.prepare(row.conversation_id);
      const stored = await this.deps.events.storedTerminal(row.conversation_id, row.id);
      if (stored) {
        await this.deps.runs.finish(row.id, statusOf(stored), "");
        continue;
      }
      if (row.message) await this.deps.starts.storeQueuedMessage(row.id, row.conversation_id, JSON.parse(row.message));
      const ending = failed({ id: row.id, conversationId: row.conversation_id }, reason);
      new RunEventWriter(this.deps.events, at).emit(ending.terminal);
      await this.deps.events.flush();
      await this.deps.runs.finish(row.id, ending.status, toJsonString(SendMessageResponseSchema, ending.result));
    }
  }

  /** A queued run's turn came: the conversation now holds the runs before it. */
  private async startQueued(run: Run): Promise<FirstTurn> {
    const prior = await this.priorMessages(run.conversationId);
    await this.deps.starts.storeQueuedMessage(run.id, run.conversationId, userMessageOf(run.plan), "running");
    return this.openFirstTurn(run, prior);
  }

  private openFirstTurn(run: Run, prior: Awaited<ReturnType<RunExecutor["priorMessages"]>>): FirstTurn {
    const p = run.plan;
    const messages = buildPrompt({
      systemPrompt: p.profile.systemPrompt,
      prior,
      contextFiles: p.contextFiles,
      context: p.context,
      text: p.text,
      imageDataUrl: p.imageDataUrl,
    });
    return { messages, turn: this.openTurn(run, messages) };
  }

  private openTurn(run: Run, messages: ChatCompletionMessageParam[]): OpenedTurn {
    const { model, tools } = run.plan;
    return this.deps.providerFor(model).open({ model, messages, tools: asOpenAITools(tools), signal: run.signal });
  }

  /** The conversation so far, before this run's user message is stored. */
  private priorMessages(conversationId: string) {
    return this.deps.conversations.all(conversationId);
  }

  /**
   * Writes the single terminal event (after the run's pending deltas), then
   * records the result. The event is durable first: a crash in between leaves
   * an open run whose terminal event recovery finds, never a finished run
   * without one.
   */
  private async end(run: Run, ending: RunEnding, events = this.writer(run)): Promise<RunEnding["result"]> {
    // Ended by the instance that took its conversation: its terminal event and result are written there.
    if (run.lost) return ending.result;
    run.ending = true;
    events.emit(ending.terminal);
    try {
      await this.deps.events.flush();
      await this.deps.runs.finish(run.id, ending.status, toJsonString(SendMessageResponseSchema, ending.result));
    } catch (e) {
      this.deps.logger.error({ err: e, runId: run.id }, "could not record run result");
    }
    await this.deps.afterRun?.(run.conversationId).catch((e: unknown) => {
      this.deps.logger.warn({ err: e, runId: run.id }, "after-run hook failed");
    });
    return ending.result;
  }

  private async afterMessage(run: Run): Promise<void> {
    await this.deps.afterMessage?.(run.conversationId).catch((e: unknown) => {
      this.deps.logger.warn({ err: e, runId: run.id }, "after-message hook failed");
    });
  }

  private writer(run: Run): RunEventWriter {
    const path = run.plan.seams.agentPath;
    return new RunEventWriter(this.deps.events, {
      conversationId: run.conversationId,
      runId: run.id,
      agentId: run.agentId,
      agentPath: path && path.length > 1 ? path : undefined,
      muted: () => run.lost,
    });
  }
}

/** The run status a stored terminal event stands for. */
function statusOf(e: Event): string {
  if (e.kind.case === "complete") return e.kind.value.status || "completed";
  return e.kind.case === "cancelled" ? "cancelled" : "error";
}
