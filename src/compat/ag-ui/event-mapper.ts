import { type BaseEvent, EventType, type Interrupt, PROTOCOL_VERSION, type TokenUsage } from "@ag-ui/core";
import type { Event } from "../../../gen/floe/v1/events_pb.js";

/** What an answer to a Floe approval interrupt looks like (a ResumeEntry's `payload`). */
export const APPROVAL_ANSWER_SCHEMA = {
  type: "object",
  properties: {
    approved: { type: "boolean" },
    scope: { type: "string", enum: ["once", "session", "pattern"] },
    pattern: { type: "string" },
    reason: { type: "string" },
  },
  required: ["approved"],
};

/** The `reason` of the interrupts Floe sends: a tool call waits for a human decision. */
export const APPROVAL_INTERRUPT_REASON = "tool_approval";

/**
 * Turns one Floe run's events into the AG-UI events of one AG-UI run. Floe
 * streams an answer as bare tokens; AG-UI wants each message opened and
 * closed, so the mapper keeps which text or reasoning message is open.
 * `finished` turns true after the event that ends the AG-UI run: the run's
 * terminal event, or an approval, which ends it with an interrupt outcome
 * while the Floe run waits for the answer.
 */
export class AgUiEventMapper {
  finished = false;
  private runId = "";
  private threadId = "";
  private model = "";
  private text?: string;
  private reasoning?: string;
  /** The tool call started and not completed: an approval request belongs to it. */
  private openTool?: string;

  /**
   * `clientState` is the client's `state`, kept under STATE_SNAPSHOT beside
   * Floe's own `floe` key. A `resumed` AG-UI run continues a Floe run whose
   * token counts cover the interrupted part too, and AG-UI's usage counts a
   * resumed run's own calls only: it reports none.
   */
  constructor(
    private readonly clientState: Record<string, unknown>,
    private readonly resumed = false,
  ) {}

  /** RUN_STARTED and the STATE_SNAPSHOT after it. */
  started(threadId: string, runId: string, floe: Record<string, unknown>, model = ""): BaseEvent[] {
    this.threadId = threadId;
    this.runId = runId;
    this.model = model;
    return [
      // The protocol version this producer speaks (@ag-ui/core's), so a client can tell a newer one.
      { type: EventType.RUN_STARTED, threadId, runId, protocolVersion: PROTOCOL_VERSION },
      {
        type: EventType.STATE_SNAPSHOT,
        snapshot: { ...this.clientState, floe: { conversationId: threadId, ...floe } },
      },
    ];
  }

  /** The AG-UI events of one Floe event, stamped with its time (AG-UI's `timestamp`: ms since the epoch). */
  map(e: Event): BaseEvent[] {
    const timestamp = Date.parse(e.timestamp);
    const events = this.translate(e);
    return Number.isFinite(timestamp) ? events.map((ev) => ({ ...ev, timestamp })) : events;
  }

  private translate(e: Event): BaseEvent[] {
    const k = e.kind;
    switch (k.case) {
      case "start":
        return this.started(e.conversationId, e.runId, { runId: e.runId, agentId: e.agentId }, k.value.model);
      case "token":
        return k.value.token ? [...this.closeReasoning(), ...this.openText(e), this.textDelta(k.value.token)] : [];
      case "reasoning":
        return k.value.token ? [...this.closeText(), ...this.openReasoning(e), this.reasoningDelta(k.value.token)] : [];
      case "toolStart": {
        const { name, arguments: args } = k.value;
        const toolCallId = k.value.toolCallId || `${this.runId}:${e.seq}`;
        this.openTool = toolCallId;
        // The tool call belongs to the assistant message it follows in the same model turn, if any.
        const parentMessageId = this.text;
        return [
          ...this.closeOpen(),
          {
            type: EventType.TOOL_CALL_START,
            toolCallId,
            toolCallName: name,
            ...(parentMessageId && { parentMessageId }),
          },
          ...(args ? [{ type: EventType.TOOL_CALL_ARGS, toolCallId, delta: args }] : []),
          { type: EventType.TOOL_CALL_END, toolCallId },
        ];
      }
      case "toolComplete": {
        const toolCallId = k.value.toolCallId || this.openTool || `${this.runId}:${e.seq}`;
        this.openTool = undefined;
        const content = k.value.resultPreview;
        return [
          { type: EventType.TOOL_CALL_RESULT, messageId: `${toolCallId}:result`, toolCallId, content, role: "tool" },
        ];
      }
      case "approvalRequired":
        return this.finish({ type: "interrupt", interrupts: [this.interrupt(k.value)] });
      case "approvalResolved": {
        const { requestId, status, scope } = k.value;
        return [{ type: EventType.CUSTOM, name: "floe.approval_resolved", value: { requestId, status, scope } }];
      }
      case "complete": {
        const { response, status, iterations, toolCalls, usage } = k.value;
        const result = { response, status, iterations, toolCalls };
        const counts = usage && !this.resumed ? this.usage(usage.prompt, usage.completion) : undefined;
        return this.finish({ type: "success" }, result, counts);
      }
      case "cancelled":
        return this.finish({ type: "cancelled" });
      case "error":
        this.finished = true;
        return [{ type: EventType.RUN_ERROR, message: k.value.message, code: k.value.code }];
      default:
        return [];
    }
  }

  private interrupt(a: {
    requestId: string;
    toolName: string;
    operation: string;
    resource: string;
    reason: string;
    expiresAt: string;
  }): Interrupt {
    return {
      id: a.requestId,
      reason: APPROVAL_INTERRUPT_REASON,
      message: a.reason,
      ...(this.openTool && { toolCallId: this.openTool }),
      responseSchema: APPROVAL_ANSWER_SCHEMA,
      ...(a.expiresAt && { expiresAt: a.expiresAt }),
      metadata: { toolName: a.toolName, operation: a.operation, resource: a.resource, runId: this.runId },
    };
  }

  private finish(outcome: Record<string, unknown>, result?: unknown, usage?: TokenUsage[]): BaseEvent[] {
    this.finished = true;
    const { threadId, runId } = this;
    return [
      ...this.closeOpen(),
      {
        type: EventType.RUN_FINISHED,
        threadId,
        runId,
        outcome,
        ...(result !== undefined && { result }),
        ...(usage && { usage }),
      },
    ];
  }

  private usage(prompt: bigint, completion: bigint): TokenUsage[] {
    const inputTokens = Number(prompt);
    const outputTokens = Number(completion);
    return [
      { ...(this.model && { model: this.model }), inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
    ];
  }

  private openText(e: Event): BaseEvent[] {
    if (this.text) return [];
    this.text = `${this.runId}:${e.seq}`;
    return [{ type: EventType.TEXT_MESSAGE_START, messageId: this.text, role: "assistant" }];
  }

  private textDelta(delta: string): BaseEvent {
    return { type: EventType.TEXT_MESSAGE_CONTENT, messageId: this.text!, delta };
  }

  private openReasoning(e: Event): BaseEvent[] {
    if (this.reasoning) return [];
    const messageId = `${this.runId}:${e.seq}:reasoning`;
    this.reasoning = messageId;
    return [
      { type: EventType.REASONING_START, messageId },
      { type: EventType.REASONING_MESSAGE_START, messageId, role: "reasoning" },
    ];
  }

  private reasoningDelta(delta: string): BaseEvent {
    return { type: EventType.REASONING_MESSAGE_CONTENT, messageId: this.reasoning!, delta };
  }

  private closeText(): BaseEvent[] {
    if (!this.text) return [];
    const messageId = this.text;
    this.text = undefined;
    return [{ type: EventType.TEXT_MESSAGE_END, messageId }];
  }

  private closeReasoning(): BaseEvent[] {
    if (!this.reasoning) return [];
    const messageId = this.reasoning;
    this.reasoning = undefined;
    return [
      { type: EventType.REASONING_MESSAGE_END, messageId },
      { type: EventType.REASONING_END, messageId },
    ];
  }

  private closeOpen(): BaseEvent[] {
    return [...this.closeReasoning(), ...this.closeText()];
  }
}
