import type { ApprovalRequiredEvent, ApprovalResolvedEvent } from "../gen/floe/v1/events_pb.js";
import type { ApprovalScope } from "../clients/agent-client.js";
import { describeError } from "./api.js";
import { h } from "./dom.js";

/** How a person answers: approve with a scope (and a pattern for `pattern`), or deny. */
export interface ApprovalAnswer {
  approve(scope: ApprovalScope, pattern: string): Promise<void>;
  deny(): Promise<void>;
}

/**
 * A tool call waiting for a person: what it wants to do and why it asks,
 * with approve once, for the session, for a pattern, and deny. The run
 * reports the decision with approval_resolved, which closes the prompt.
 */
export class ApprovalView {
  readonly el: HTMLElement;
  private readonly buttons: HTMLButtonElement[] = [];
  private readonly state: HTMLElement;

  constructor(req: ApprovalRequiredEvent, answer: ApprovalAnswer) {
    const titleId = `approval-${req.requestId}`;
    const pattern = h("input", { class: "approval-pattern", type: "text", value: req.resource });
    const act = (label: string, cls: string, run: () => Promise<void>) => {
      const b = h("button", { type: "button", class: cls }, label);
      b.addEventListener("click", () => void this.answer(run));
      this.buttons.push(b);
      return b;
    };
    this.state = h("p", { class: "approval-state", role: "status" });
    this.el = h(
      "section",
      { class: "approval pending", role: "group", "aria-labelledby": titleId, "data-request-id": req.requestId },
      h("h3", { id: titleId }, `Approval needed: ${req.toolName}`),
      h("p", { class: "approval-reason" }, req.reason),
      h(
        "dl",
        {},
        h("dt", {}, "Operation"),
        h("dd", {}, req.operation),
        h("dt", {}, "Resource"),
        h("dd", {}, h("code", {}, req.resource)),
      ),
      h(
        "div",
        { class: "approval-actions" },
        act("Approve once", "approve-once", () => answer.approve("once", "")),
        act("Approve for this session", "approve-session", () => answer.approve("session", "")),
        h("label", {}, "Pattern ", pattern),
        act("Approve pattern", "approve-pattern", () => answer.approve("pattern", pattern.value.trim())),
        act("Deny", "deny", () => answer.deny()),
      ),
      this.state,
    );
  }

  /** The first action, for focus when the prompt appears. */
  get firstButton(): HTMLButtonElement {
    return this.buttons[0]!;
  }

  resolved(r: ApprovalResolvedEvent): void {
    this.el.classList.remove("pending");
    this.el.dataset.status = r.status;
    for (const b of this.buttons) b.disabled = true;
    this.state.textContent = r.status === "approved" ? `Approved (${r.scope || "once"})` : capitalize(r.status);
  }

  private async answer(run: () => Promise<void>): Promise<void> {
    for (const b of this.buttons) b.disabled = true;
    this.state.textContent = "Sending…";
    try {
      await run();
    } catch (e) {
      // The request is still open (a refused scope, a missing key): let the person try again.
      for (const b of this.buttons) b.disabled = false;
      this.state.textContent = describeError(e);
    }
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
