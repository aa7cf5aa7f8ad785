import type { Conversation } from "../gen/floe/v1/conversation_pb.js";
import { h } from "./dom.js";

/** What the list asks of the page. */
export interface ConversationActions {
  open(conversation: Conversation): void;
  rename(id: string, name: string): Promise<void>;
  remove(id: string): Promise<void>;
}

/**
 * The sidebar's conversations, newest first: open one, rename it in place
 * (Enter saves, Escape gives up) or delete it (a second click confirms).
 */
export class ConversationList {
  private conversations: Conversation[] = [];
  current = "";

  constructor(
    private readonly ul: HTMLUListElement,
    private readonly actions: ConversationActions,
  ) {}

  get(id: string): Conversation | undefined {
    return this.conversations.find((c) => c.id === id);
  }

  show(conversations: Conversation[]): void {
    this.conversations = conversations;
    this.ul.replaceChildren(...conversations.map((c) => this.item(c)));
  }

  select(id: string): void {
    this.current = id;
    for (const b of this.ul.querySelectorAll<HTMLButtonElement>("button.open")) {
      if (b.closest("li")?.dataset.id === id) b.setAttribute("aria-current", "true");
      else b.removeAttribute("aria-current");
    }
  }

  private item(c: Conversation): HTMLLIElement {
    const name = c.name || "Untitled";
    const open = h(
      "button",
      { type: "button", class: "open", "aria-current": c.id === this.current ? "true" : undefined },
      name,
    );
    open.addEventListener("click", () => this.actions.open(c));
    const rename = h(
      "button",
      { type: "button", class: "rename", "aria-label": `Rename ${name}`, title: "Rename" },
      "✎",
    );
    const remove = h(
      "button",
      { type: "button", class: "delete", "aria-label": `Delete ${name}`, title: "Delete" },
      "✕",
    );
    const li = h("li", { class: "conversation", "data-id": c.id }, open, rename, remove);
    rename.addEventListener("click", () => this.editName(li, c, name));
    remove.addEventListener("click", () => this.confirmDelete(remove, c.id, name));
    remove.addEventListener("blur", () => {
      remove.textContent = "✕";
      remove.setAttribute("aria-label", `Delete ${name}`);
      delete remove.dataset.armed;
    });
    return li;
  }

  private editName(li: HTMLLIElement, c: Conversation, name: string): void {
    const input = h("input", {
      type: "text",
      class: "rename-input",
      value: name,
      "aria-label": `New name for ${name}`,
      maxlength: "200",
    });
    const form = h("form", { class: "rename-form" }, input, h("button", { type: "submit" }, "Save"));
    const restore = () => li.replaceWith(this.item(c));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const next = input.value.trim();
      if (!next || next === name) return restore();
      void this.actions.rename(c.id, next).catch(restore);
    });
    input.addEventListener("keydown", (e) => {
      if (e.key === "Escape") restore();
    });
    li.replaceChildren(form);
    input.focus();
    input.select();
  }

  private confirmDelete(button: HTMLButtonElement, id: string, name: string): void {
    if (button.dataset.armed !== "true") {
      button.dataset.armed = "true";
      button.textContent = "Delete?";
      button.setAttribute("aria-label", `Confirm: delete ${name}`);
      return;
    }
    void this.actions.remove(id);
  }
}
