import type { ToolCompleteEvent, ToolStartEvent } from "../gen/floe/v1/events_pb.js";
import { h } from "./dom.js";

const PREVIEW_CHARS = 2000;

/** One tool call as it runs: name, arguments, then success or failure, duration and a preview of the result. */
export class ToolView {
  readonly el: HTMLElement;
  private readonly state: HTMLElement;

  constructor(start: ToolStartEvent) {
    this.state = h("span", { class: "tool-state" }, "running…");
    this.el = h(
      "div",
      {
        class: "tool running",
        role: "group",
        "aria-label": `Tool ${start.name}`,
        "data-tool-call-id": start.toolCallId,
      },
      h("span", { class: "tool-name" }, start.name),
      " ",
      this.state,
      start.arguments ? h("pre", { class: "tool-args" }, clip(start.arguments)) : undefined,
    );
  }

  complete(done: ToolCompleteEvent): void {
    const outcome = done.success ? "succeeded" : "failed";
    this.el.classList.remove("running");
    this.el.classList.add(done.success ? "succeeded" : "failed");
    this.el.dataset.outcome = outcome;
    this.state.textContent = `${outcome} in ${done.durationMs} ms`;
    if (done.resultPreview) {
      const summary = h("summary", {}, "Result preview");
      this.el.append(h("details", { class: "tool-preview" }, summary, h("pre", {}, clip(done.resultPreview))));
    }
  }
}

function clip(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}
