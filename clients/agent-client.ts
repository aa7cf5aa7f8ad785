import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ChatRequestSchema } from "../gen/floe/v1/chat_pb.js";
import type { ActionResult, ChatMessage } from "../gen/floe/v1/common_pb.js";
import type { Conversation } from "../gen/floe/v1/conversation_pb.js";
import type { Event } from "../gen/floe/v1/events_pb.js";
import type { GetHealthResponse } from "../gen/floe/v1/health_pb.js";
import type { ExecuteTaskSyncResponse } from "../gen/floe/v1/project_pb.js";
import { type ResumeOptions, resumableRun } from "./resumable-run.js";
import type { FloeServices } from "./services.js";

type KindCase = NonNullable<Event["kind"]["case"]>;
type KindValue<K extends KindCase> = Extract<Event["kind"], { case: K }>["value"];

/** How an approval is granted: this call, the rest of the session, or a resource pattern. */
export type ApprovalScope = "once" | "session" | "pattern";

/** One event of a streamed chat, typed by its kind; approvals carry their answers. */
export type ChatStreamEvent = {
  [K in KindCase]: {
    type: K;
    seq: bigint;
    runId: string;
    conversationId: string;
    value: KindValue<K>;
  } & (K extends "approvalRequired"
    ? { approve(scope?: ApprovalScope, pattern?: string): Promise<void>; deny(reason?: string): Promise<void> }
    : unknown);
}[KindCase];

export interface ChatOptions extends ResumeOptions {
  agentId?: string;
  conversationId?: string;
  includeReasoning?: boolean;
  /** `false`: one unary call (SendMessage) that answers when the run ends; no chunks, no resume. Default true. */
  streaming?: boolean;
  /** Streams the answer: `onChunk(chunk, kind)` with kind `assistant` or `reasoning`. */
  onChunk?: (chunk: string, kind: "assistant" | "reasoning") => void;
  /** Called for every event, including approvals (answer them with `approve()`/`deny()`). */
  onEvent?: (event: ChatStreamEvent) => void | Promise<void>;
  /** Anything else of the chat request (context, context_files, max_iterations…). */
  request?: Omit<MessageInitShape<typeof ChatRequestSchema>, "text">;
}

export interface ChatResult {
  assistantResponse: string;
  reasoning: string;
  actionResults: ActionResult[];
  conversationId: string;
  runId: string;
  status: string;
}

export interface TaskOptions {
  name?: string;
  maxIterations?: number;
  projectId?: string;
  continuous?: boolean;
  /** Seconds. */
  timeLimit?: number;
  signal?: AbortSignal;
}

/** Thrown when a run ends with an `error` or `cancelled` event. */
export class RunFailedError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly runId: string,
  ) {
    super(message);
    this.name = "RunFailedError";
  }
}

/**
 * What Penguin's PenguinAPI offers, async, over any transport: chat with
 * streaming callbacks, a typed event stream that resumes by itself,
 * conversations, tasks and health.
 */
export class FloeAgentClient {
  constructor(readonly services: FloeServices) {}

  /** Sends a message and resolves when its run ends; rejects with RunFailedError on `error`/`cancelled`. */
  async chat(message: string, o: ChatOptions = {}): Promise<ChatResult> {
    if (o.streaming === false) return this.chatUnary(message, o);
    let result: ChatResult | undefined;
    for await (const e of this.streamChat(message, o)) {
      if (e.type === "token") o.onChunk?.(e.value.token, "assistant");
      if (e.type === "reasoning") o.onChunk?.(e.value.token, "reasoning");
      await o.onEvent?.(e);
      if (e.type === "complete") {
        const c = e.value;
        result = {
          assistantResponse: c.response,
          reasoning: c.reasoning,
          actionResults: c.actionResults,
          conversationId: e.conversationId,
          runId: e.runId,
          status: c.status,
        };
      }
      if (e.type === "error") throw new RunFailedError(e.value.message, e.value.code || "error", e.runId);
      if (e.type === "cancelled") throw new RunFailedError(`cancelled: ${e.value.reason}`, "cancelled", e.runId);
    }
    return result!;
  }

  private async chatUnary(message: string, o: ChatOptions): Promise<ChatResult> {
    const r = await this.services.chat.sendMessage({ chat: chatRequest(message, o) }, { signal: o.signal });
    if (r.status === "error" || r.status === "cancelled")
      throw new RunFailedError(r.response || r.status, r.status, r.runId);
    const { response, reasoning, actionResults, conversationId, runId, status } = r;
    return { assistantResponse: response, reasoning, actionResults, conversationId, runId, status };
  }

  /** A run's events as typed values; resumes after a dropped connection from the last seq seen. */
  async *streamChat(message: string, o: ChatOptions = {}): AsyncGenerator<ChatStreamEvent> {
    for await (const event of resumableRun(this.services, chatRequest(message, o), o)) yield this.typed(event);
  }

  async createConversation(name = ""): Promise<string> {
    const res = await this.services.conversations.createConversation({ name });
    return res.conversation!.id;
  }

  async listConversations(): Promise<Conversation[]> {
    return (await this.services.conversations.listConversations({})).conversations;
  }

  async getConversationHistory(conversationId: string): Promise<ChatMessage[]> {
    return (await this.services.conversations.getConversationHistory({ conversationId })).messages;
  }

  /** Runs a task to its end (ProjectService.ExecuteTaskSync). */
  async runTask(description: string, o: TaskOptions = {}): Promise<ExecuteTaskSyncResponse> {
    const task = {
      name: o.name ?? description.slice(0, 80),
      description,
      maxIterations: o.maxIterations,
      projectId: o.projectId ?? "",
      continuous: o.continuous ?? false,
      timeLimit: o.timeLimit ?? 0,
    };
    return this.services.projects.executeTaskSync({ task }, { signal: o.signal });
  }

  async health(): Promise<GetHealthResponse> {
    return this.services.health.getHealth({});
  }

  async approve(requestId: string, scope: ApprovalScope = "once", pattern = ""): Promise<void> {
    await this.services.security.approve({ requestId, scope, pattern });
  }

  async deny(requestId: string, reason = ""): Promise<void> {
    await this.services.security.deny({ requestId, reason });
  }

  private typed(event: Event): ChatStreamEvent {
    const base = { type: event.kind.case, seq: event.seq, runId: event.runId, conversationId: event.conversationId };
    if (event.kind.case !== "approvalRequired") return { ...base, value: event.kind.value } as ChatStreamEvent;
    const requestId = event.kind.value.requestId;
    return {
      ...base,
      value: event.kind.value,
      approve: (scope?: ApprovalScope, pattern?: string) => this.approve(requestId, scope, pattern),
      deny: (reason?: string) => this.deny(requestId, reason),
    } as ChatStreamEvent;
  }
}

function chatRequest(message: string, o: ChatOptions): MessageInitShape<typeof ChatRequestSchema> {
  return {
    ...o.request,
    text: message,
    agentId: o.agentId ?? o.request?.agentId ?? "",
    conversationId: o.conversationId ?? o.request?.conversationId ?? "",
    includeReasoning: o.includeReasoning ?? o.request?.includeReasoning ?? false,
  } as MessageInitShape<typeof ChatRequestSchema>;
}
