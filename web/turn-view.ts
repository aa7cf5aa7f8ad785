import type { ChatStreamEvent } from "../clients/agent-client.js";
import { type ApprovalAnswer, ApprovalView } from "./approval-view.js";
import { h } from "./dom.js";
import { setMarkdown } from "./markdown.js";
import { ToolView } from "./tool-view.js";

/** A stretch of answer text between tool calls, rendered as markdown. */
interface Segment {
  el: HTMLElement;
  text: string;
}

/**
 * One assistant turn as its run streams: the answer as markdown (a new
 * stretch after each tool call), the reasoning in a collapsed disclosure,
 * tool activity, approval prompts, and how the run ended. Rendering waits
 * for the next frame, so a burst of tokens costs one markdown pass.
 */
export class TurnView {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly reasoning: HTMLDetailsElement;
  private readonly reasoningText: HTMLElement;
  private readonly status: HTMLElement;
  private readonly tools = new Map<string, ToolView>();
  private readonly approvals = new Map<string, ApprovalView>();
  private segment: Segment | undefined;
  private dirty = new Set<Segment>();
  private frame = 0;
  runId = "";

  constructor(private readonly answer: (requestId: string) => ApprovalAnswer) {
    this.reasoningText = h("div", { class: "reasoning-text" });
    this.reasoning = h(
      "details",
      { class: "reasoning", hidden: true },
      h("summary", {}, "Reasoning"),
      this.reasoningText,
    );
    this.status = h("p", { class: "run-status" });
    this.body = h("div", { class: "turn-body", "aria-live": "polite", "aria-busy": "true" });
    this.el = h(
      "article",
      { class: "message assistant", "aria-label": "Assistant" },
      this.reasoning,
      this.body,
      this.status,
    );
  }

  handle(e: ChatStreamEvent): void {
    switch (e.type) {
      case "start":
        this.runId = e.runId;
        this.el.dataset.runId = e.runId;
        break;
      case "token":
        this.appendText(e.value.token);
        break;
      case "reasoning":
        this.reasoning.hidden = false;
        this.reasoningText.textContent += e.value.token;
        break;
      case "toolStart":
        this.toolStarted(new ToolView(e.value), e.value.toolCallId);
        break;
      case "toolComplete":
        this.tools.get(e.value.toolCallId)?.complete(e.value);
        break;
      case "approvalRequired":
        this.approvalRequired(new ApprovalView(e.value, this.answer(e.value.requestId)), e.value.requestId);
        break;
      case "approvalResolved":
        this.approvals.get(e.value.requestId)?.resolved(e.value);
        break;
      case "queued":
        this.status.textContent = `Queued (position ${e.value.position})`;
        break;
      case "complete":
        if (!this.segment && e.value.response) this.appendText(e.value.response);
        this.end("completed", e.value.status === "max_iterations" ? "Stopped at the iteration limit" : "");
        break;
      case "error":
        this.end("error", `Error: ${e.value.message}`);
        break;
      case "cancelled":
        this.end("cancelled", `Cancelled: ${e.value.reason}`);
        break;
    }
  }

  /** The stream failed outside the run (the network, the key): said under the answer. */
  fail(message: string): void {
    this.end("error", `Error: ${message}`);
  }

  private appendText(token: string): void {
    if (!this.segment) {
      const el = h("div", { class: "answer markdown" });
      this.segment = { el, text: "" };
      this.body.append(el);
    }
    this.segment.text += token;
    this.dirty.add(this.segment);
    this.frame ||= requestAnimationFrame(() => this.render());
  }

  private render(): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    for (const s of this.dirty) setMarkdown(s.el, s.text);
    this.dirty.clear();
  }

  private toolStarted(view: ToolView, id: string): void {
    this.segment = undefined;
    this.tools.set(id, view);
    this.body.append(view.el);
  }

  private approvalRequired(view: ApprovalView, id: string): void {
    this.segment = undefined;
    this.approvals.set(id, view);
    this.body.append(view.el);
    view.firstButton.focus();
  }

  private end(state: string, message: string): void {
    this.render();
    this.el.dataset.state = state;
    this.body.setAttribute("aria-busy", "false");
    this.status.textContent = message;
  }
}
