import { createHash, randomUUID } from "node:crypto";
import { setImmediate as nextCheckPhase } from "node:timers/promises";
import { join } from "node:path";
import { create, fromJsonString, toJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { FastifyBaseLogger } from "fastify";
import {
  ChatRequestSchema,
  SendMessageResponseSchema,
  type ChatRequest,
  type SendMessageResponse,
} from "../../gen/floe/v1/chat_pb.js";
import type { ModelConfig } from "../../gen/floe/v1/common_pb.js";
import type { RuntimeConfig } from "../config/runtime-config.js";
import type { EventLog } from "../events/event-log.js";
import type { PermissionGate } from "../security/permission-gate.js";
import type { ConversationRepository, NewMessage } from "../store/conversation-repository.js";
import type { Kysely } from "kysely";
import type { Database } from "../store/schema.js";
import type { RunRepository } from "../store/run-repository.js";
import type { UsageRepository } from "../store/usage-repository.js";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { ChatMessage } from "../../gen/floe/v1/common_pb.js";
import { runAgentLoop, type RunOutcome } from "./agent-loop.js";
import { buildPrompt } from "./prompt.js";
import type { Tool } from "./tools/tool.js";
import { asOpenAITools, toolsFor } from "./tools/tool-registry.js";
import type { AgentProfile } from "./agent-profile.js";
import { readContextFiles, readImage } from "./chat-input.js";
import type { ModelProvider, OpenedTurn } from "./model-provider.js";
import type { ModelRegistry } from "./model-registry.js";
import { validConversationId } from "../store/conversation-id.js";

export const DEFAULT_MAX_ITERATIONS = 5;
const MAX_ITERATIONS_LIMIT = 100;

/** A run the server knows about: active, queued, or (for idempotent retries) finished. */
export interface RunHandle {
  id: string;
  conversationId: string;
  agentId: string;
  startedAt: string;
  /** Resolves with the final result when the run ends; never rejects. */
  done: Promise<SendMessageResponse>;
  /** True when this handle answers a retried request id. */
  replayed: boolean;
  /** The conversation's latest seq before this run's first event: stream from here. */
  afterSeq: number;
}

interface LiveRun extends RunHandle {
  controller: AbortController;
  /** Records the run as started and runs it; `first` is its first model request when already sent. */
  start: (first?: FirstTurn) => void;
  resolve: (r: SendMessageResponse) => void;
}

/** A run's prompt and its first model request, sent while the run's rows are written. */
interface FirstTurn {
  messages: ChatCompletionMessageParam[];
  turn: OpenedTurn;
}

interface RunParams {
  req: ChatRequest;
  text: string;
  profile: AgentProfile;
  model: ModelConfig;
  /** The tools the agent is offered. */
  tools: Tool[];
  root: string;
  imageDataUrl: string;
  contextFiles: { path: string; content: string }[];
  maxIterations: number;
}

export interface RunManagerDeps {
  db: Kysely<Database>;
  log: EventLog;
  conversations: ConversationRepository;
  runs: RunRepository;
  usage: UsageRepository;
  models: ModelRegistry;
  runtime: RuntimeConfig;
  gate: PermissionGate;
  providerFor: (model: ModelConfig) => ModelProvider;
  profiles: (agentId: string) => AgentProfile | undefined;
  logger: FastifyBaseLogger;
}

/**
 * Owns runs: one active run per conversation (others queue or are refused),
 * idempotent request ids, cancellation, and the rule that every run ends with
 * exactly one terminal event (complete, error or cancelled).
 */
export class RunManager {
  private readonly active = new Map<string, LiveRun>();
  private readonly queued = new Map<string, LiveRun[]>();
  private readonly byId = new Map<string, LiveRun>();

  constructor(private readonly deps: RunManagerDeps) {}

  /** Runs that a snapshot of `conversationId` reports. */
  activeRuns(conversationId: string): RunHandle[] {
    const a = this.active.get(conversationId);
    return [...(a ? [a] : []), ...(this.queued.get(conversationId) ?? [])];
  }

  get anyActive(): boolean {
    return this.active.size > 0;
  }

  /** Validates a chat request and starts (or queues) its run. */
  async start(req: ChatRequest): Promise<RunHandle> {
    const d = this.deps;
    const text = req.text.trim();
    if (!text) throw new ConnectError("text is required: send the message content", Code.InvalidArgument);
    const maxIterations = req.maxIterations ?? DEFAULT_MAX_ITERATIONS;
    if (!Number.isInteger(maxIterations) || maxIterations < 1 || maxIterations > MAX_ITERATIONS_LIMIT) {
      throw new ConnectError(
        `max_iterations must be between 1 and ${MAX_ITERATIONS_LIMIT}, got ${maxIterations}`,
        Code.InvalidArgument,
      );
    }
    const agentId = req.agentId.trim() || "default";
    const profile = d.profiles(agentId);
    if (!profile)
      throw new ConnectError(
        `agent ${JSON.stringify(agentId)} not found: create it with AgentService.CreateAgent or omit agent_id`,
        Code.NotFound,
      );

    const requestId = req.requestId.trim();
    // Only a request id is ever compared with its payload.
    const hash = requestId ? requestHash(req) : "";
    if (requestId) {
      const existing = await d.runs.byRequestId(requestId);
      if (existing) {
        if (existing.request_hash !== hash) {
          throw new ConnectError(
            `request_id ${JSON.stringify(requestId)} was already used for a different request; use a new request_id`,
            Code.AlreadyExists,
          );
        }
        const live = this.byId.get(existing.id);
        if (live) return { ...live, replayed: true };
        return {
          id: existing.id,
          conversationId: existing.conversation_id,
          agentId: existing.agent_id,
          startedAt: existing.created_at,
          replayed: true,
          afterSeq: 0,
          done: Promise.resolve(
            existing.result
              ? fromJsonString(SendMessageResponseSchema, existing.result)
              : create(SendMessageResponseSchema, {
                  runId: existing.id,
                  conversationId: existing.conversation_id,
                  status: existing.status,
                }),
          ),
        };
      }
    }

    const model = this.resolveModel(req.model.trim(), profile);
    const root = d.runtime.activeRoot;
    const workspace = d.runtime.snapshot.workspaceRoot;
    const imageDataUrl = req.imagePath.trim()
      ? readImage(req.imagePath.trim(), model, root, join(workspace, "uploads"))
      : "";
    const contextFiles = readContextFiles(req.contextFiles, root, join(workspace, "context"));

    let conversationId = req.conversationId.trim();
    let isNew = !conversationId;
    if (isNew) {
      conversationId = randomUUID();
      d.log.prepareNew(conversationId);
    } else {
      validConversationId(conversationId);
      if (await d.conversations.get(conversationId)) {
        await d.log.prepare(conversationId);
      } else if (req.createConversation) {
        isNew = true;
        await d.log.prepare(conversationId);
      } else {
        throw new ConnectError(
          `conversation ${JSON.stringify(conversationId)} not found: omit conversation_id to start a new one`,
          Code.NotFound,
        );
      }
    }

    const busy = this.active.has(conversationId);
    if (busy && !req.queue) {
      throw new ConnectError(
        `conversation ${conversationId} already has an active run (${this.active.get(conversationId)!.id}): wait for it to end, cancel it with CancelRun, or send with queue=true`,
        Code.FailedPrecondition,
      );
    }

    const id = randomUUID();
    const startedAt = new Date().toISOString();
    const params: RunParams = {
      req,
      text,
      profile,
      model,
      tools: toolsFor(profile.defaultTools),
      root,
      imageDataUrl,
      contextFiles,
      maxIterations,
    };
    let resolve!: (r: SendMessageResponse) => void;
    const done = new Promise<SendMessageResponse>((r) => (resolve = r));
    const run: LiveRun = {
      id,
      conversationId,
      agentId,
      startedAt,
      done,
      replayed: false,
      afterSeq: d.log.latestSeq(conversationId),
      controller: new AbortController(),
      resolve,
      start: (first) => void this.execute(run, params, first),
    };
    // Claim the conversation before any await, so two concurrent sends cannot both start.
    const queue = this.queued.get(conversationId) ?? [];
    if (busy) {
      queue.push(run);
      this.queued.set(conversationId, queue);
    } else {
      this.active.set(conversationId, run);
    }
    this.byId.set(id, run);
    let first: FirstTurn | undefined;
    try {
      if (!busy) {
        // The upstream's latency hides the transaction below. Nothing reaches
        // the client before the commit: the stream opens with the start event.
        const prior = isNew ? [] : await this.priorMessages(conversationId);
        first = this.openFirstTurn(run, params, prior);
        // SQLite writes block the thread: let the request leave first.
        await first.turn.sent;
        await nextCheckPhase();
      }
      // One transaction: the conversation (when new), the run and, unless queued, the user message.
      await d.db.transaction().execute(async (trx) => {
        const conversations = d.conversations.within(trx);
        const message = userMessage(text, agentId, req);
        if (isNew) await conversations.create(text.slice(0, 60), agentId, model.name, conversationId, message);
        else if (!busy) await conversations.appendMessage(conversationId, message);
        await d.runs
          .within(trx)
          .insert({
            id,
            conversation_id: conversationId,
            agent_id: agentId,
            request_id: requestId,
            request_hash: hash,
            status: busy ? "queued" : "running",
            result: "",
            created_at: startedAt,
            ended_at: "",
          });
      });
    } catch (e) {
      // Not acknowledged: the request sent upstream, if any, is abandoned.
      run.controller.abort(e);
      this.byId.delete(id);
      if (busy) queue.splice(queue.indexOf(run), 1);
      else this.active.delete(conversationId);
      throw e;
    }
    if (busy)
      d.log.append(conversationId, id, agentId, { case: "queued", value: { position: queue.indexOf(run) + 1 } });
    else run.start(first);
    return run;
  }

  /** The conversation so far, before this run's user message is stored. */
  private priorMessages(conversationId: string): Promise<ChatMessage[]> {
    return this.deps.conversations.history(conversationId, {
      includeSystem: true,
      limit: 0,
      agentId: "",
      channel: "",
      messageType: "",
    });
  }

  private openFirstTurn(run: LiveRun, p: RunParams, prior: ChatMessage[]): FirstTurn {
    const messages = buildPrompt({
      systemPrompt: p.profile.systemPrompt,
      prior,
      contextFiles: p.contextFiles,
      context: p.req.context,
      text: p.text,
      imageDataUrl: p.imageDataUrl,
    });
    const turn = this.deps
      .providerFor(p.model)
      .open({ model: p.model, messages, tools: asOpenAITools(p.tools), signal: run.controller.signal });
    return { messages, turn };
  }

  /** Cancels a run, or the active run of a conversation. Idempotent. */
  async cancel(
    runId: string,
    conversationId: string,
    reason = "cancelled by request",
  ): Promise<{ runId: string; status: string; cancelled: boolean }> {
    const run = runId ? this.byId.get(runId) : this.active.get(conversationId);
    if (run) {
      const q = this.queued.get(run.conversationId);
      const i = q?.indexOf(run) ?? -1;
      if (i >= 0) {
        q!.splice(i, 1);
        await this.finish(
          run,
          "cancelled",
          create(SendMessageResponseSchema, { runId: run.id, conversationId: run.conversationId, status: "cancelled" }),
          { case: "cancelled", value: { reason } },
        );
      } else {
        run.controller.abort(new ConnectError(reason, Code.Canceled));
        await run.done;
      }
      return { runId: run.id, status: "cancelled", cancelled: true };
    }
    if (!runId)
      throw new ConnectError(`conversation ${JSON.stringify(conversationId)} has no active run`, Code.NotFound);
    const row = await this.deps.runs.byId(runId);
    if (!row) throw new ConnectError(`run ${JSON.stringify(runId)} not found`, Code.NotFound);
    return { runId, status: row.status, cancelled: false };
  }

  /** Cancels every run (server shutdown) and waits for their terminal events. */
  async shutdown(): Promise<void> {
    const all = [...this.byId.values()];
    await Promise.all(all.map((r) => this.cancel(r.id, "", "server shutting down").catch(() => undefined)));
  }

  /** Ends runs a previous process left open, each with one terminal error event. */
  async recoverInterrupted(): Promise<void> {
    const d = this.deps;
    const open = await d.runs.openRuns();
    for (const r of open) {
      await d.log.prepare(r.conversation_id);
      d.log.append(r.conversation_id, r.id, r.agent_id, {
        case: "error",
        value: { message: "the run was interrupted by a server restart; send the message again", code: "aborted" },
      });
      await d.runs.finish(
        r.id,
        "error",
        toJsonString(
          SendMessageResponseSchema,
          create(SendMessageResponseSchema, { runId: r.id, conversationId: r.conversation_id, status: "error" }),
        ),
      );
    }
    await d.log.flush();
  }

  private resolveModel(requested: string, profile: AgentProfile): ModelConfig {
    const reg = this.deps.models;
    if (requested) {
      const found = reg.find(requested);
      if (found) return found;
      // A name the config does not list is sent upstream as-is on the current model's endpoint.
      return { ...reg.current, id: requested, name: requested };
    }
    return (profile.modelId && reg.find(profile.modelId)) || reg.current;
  }

  private async execute(run: LiveRun, p: RunParams, sent?: FirstTurn): Promise<void> {
    const d = this.deps;
    const signal = run.controller.signal;
    try {
      let first = sent;
      if (!first) {
        // A queued run: its turn came, so the conversation now holds the runs before it.
        await d.runs.setStatus(run.id, "running");
        const prior = await this.priorMessages(run.conversationId);
        await d.conversations.appendMessage(run.conversationId, userMessage(p.text, run.agentId, p.req));
        first = this.openFirstTurn(run, p, prior);
      }
      d.log.append(run.conversationId, run.id, run.agentId, {
        case: "start",
        value: { model: p.model.name, requestId: p.req.requestId },
      });
      const outcome: RunOutcome = await runAgentLoop(
        {
          runId: run.id,
          conversationId: run.conversationId,
          profile: p.profile,
          model: p.model,
          messages: first.messages,
          maxIterations: p.maxIterations,
          tools: p.tools,
          root: p.root,
        },
        { log: d.log, conversations: d.conversations, usage: d.usage, provider: d.providerFor(p.model), gate: d.gate },
        signal,
        first.turn,
      );
      const usage = { prompt: BigInt(outcome.usage.prompt), completion: BigInt(outcome.usage.completion) };
      const result = create(SendMessageResponseSchema, {
        response: outcome.response,
        actionResults: outcome.actionResults,
        reasoning: p.req.includeReasoning ? outcome.reasoning : "",
        conversationId: run.conversationId,
        runId: run.id,
        iterations: outcome.iterations,
        toolCalls: outcome.toolCalls,
        status: outcome.status,
        usage,
        model: p.model.name,
      });
      await this.finish(run, outcome.status, result, {
        case: "complete",
        value: {
          response: outcome.response,
          actionResults: outcome.actionResults,
          reasoning: outcome.reasoning,
          iterations: outcome.iterations,
          toolCalls: outcome.toolCalls,
          status: outcome.status,
          usage,
        },
      });
    } catch (e) {
      if (signal.aborted) {
        const reason = ConnectError.from(signal.reason).rawMessage;
        await this.finish(
          run,
          "cancelled",
          create(SendMessageResponseSchema, {
            runId: run.id,
            conversationId: run.conversationId,
            status: "cancelled",
            model: p.model.name,
          }),
          { case: "cancelled", value: { reason } },
        );
      } else {
        const { message, code } = describeFailure(e);
        d.logger.warn({ runId: run.id, err: e }, "run failed");
        await this.finish(
          run,
          "error",
          create(SendMessageResponseSchema, {
            runId: run.id,
            conversationId: run.conversationId,
            status: "error",
            response: "",
            model: p.model.name,
          }),
          { case: "error", value: { message, code } },
        );
      }
    }
  }

  /** Emits the single terminal event, records the result, and starts the next queued run. */
  private async finish(
    run: LiveRun,
    status: string,
    result: SendMessageResponse,
    terminal: Parameters<EventLog["append"]>[3],
  ): Promise<void> {
    const d = this.deps;
    d.log.append(run.conversationId, run.id, run.agentId, terminal);
    try {
      await d.runs.finish(run.id, status, toJsonString(SendMessageResponseSchema, result));
      await d.log.flush();
    } catch (e) {
      d.logger.error({ err: e, runId: run.id }, "could not record run result");
    }
    this.byId.delete(run.id);
    if (this.active.get(run.conversationId) === run) {
      this.active.delete(run.conversationId);
      const next = this.queued.get(run.conversationId)?.shift();
      if (next) {
        this.active.set(run.conversationId, next);
        next.start();
      }
    }
    run.resolve(result);
  }
}

function userMessage(text: string, agentId: string, req: ChatRequest): NewMessage {
  return { role: "user", content: text, agentId, metadata: req.context ?? {} };
}

function requestHash(req: ChatRequest): string {
  const copy = create(ChatRequestSchema, { ...req, requestId: "", cancelOnDisconnect: false });
  return createHash("sha256").update(toJsonString(ChatRequestSchema, copy)).digest("hex");
}

/** The terminal error event's message and code (a Connect code name). */
function describeFailure(e: unknown): { message: string; code: string } {
  const err = ConnectError.from(e);
  return {
    message: err.rawMessage,
    code: Code[err.code].replace(/[A-Z]/g, (c, i) => (i ? "_" : "") + c.toLowerCase()),
  };
}
