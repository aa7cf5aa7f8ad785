import type { ChatMessage } from "../gen/floe/v1/common_pb.js";
import { h } from "./dom.js";
import { setMarkdown } from "./markdown.js";

/** A stored message as the chat shows it: the person's text as text, the answers as markdown. */
export function renderStored(m: ChatMessage): HTMLElement[] {
  if (m.role === "user") return [userMessage(m.content)];
  if (m.role !== "assistant" || !m.content) return [];
  const answer = h("div", { class: "answer markdown" });
  setMarkdown(answer, m.content);
  return [
    h("article", { class: "message assistant", "aria-label": "Assistant" }, h("div", { class: "turn-body" }, answer)),
  ];
}

export function userMessage(text: string): HTMLElement {
  return h("article", { class: "message user", "aria-label": "You" }, h("p", { class: "user-text" }, text));
}
