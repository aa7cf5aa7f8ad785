import type { Conversation } from "../gen/floe/v1/conversation_pb.js";
import { Api, describeError } from "./api.js";
import { ConversationList } from "./conversation-list.js";
import { byId } from "./dom.js";
import { renderStored } from "./message-views.js";
import { chooseOption, showAgents, showModels } from "./pickers.js";
import { RunController } from "./run-controller.js";

const NEW_TITLE = "New conversation";

/** The page: conversations in the sidebar, the chosen one's messages, the composer and the pickers. */
export class ChatApp {
  readonly api = new Api();
  readonly messages = byId("messages");
  readonly agent = byId<HTMLSelectElement>("agent-select");
  readonly model = byId<HTMLSelectElement>("model-select");
  readonly input = byId<HTMLTextAreaElement>("composer-input");
  private readonly title = byId("conversation-title");
  private readonly error = byId("error");
  private readonly list: ConversationList;
  private readonly runs: RunController;
  conversationId = "";
  private opening = 0;

  constructor() {
    this.list = new ConversationList(byId<HTMLUListElement>("conversation-list"), {
      open: (c) => void this.open(c),
      rename: (id, name) => this.rename(id, name),
      remove: (id) => this.remove(id),
    });
    this.runs = new RunController(this);
  }

  async start(): Promise<void> {
    this.wire();
    await this.guard(async () => {
      // One after another: without a key the first call asks for it, and the others then have it.
      const agents = await this.api.call((c) => c.services.agents.listAgents({}));
      showAgents(this.agent, agents.agents);
      showModels(this.model, (await this.api.call((c) => c.services.models.listModels({}))).models);
      await this.refreshList();
    });
    document.body.dataset.ready = "true";
    this.input.focus();
  }

  /** Shows what failed in the alert region instead of throwing. */
  async guard(fn: () => Promise<void>): Promise<void> {
    try {
      this.error.textContent = "";
      await fn();
    } catch (e) {
      this.showError(describeError(e));
    }
  }

  showError(message: string): void {
    this.error.textContent = message;
  }

  async refreshList(): Promise<void> {
    const res = await this.api.call((c) => c.services.conversations.listConversations({}));
    this.list.show(res.conversations);
    this.list.select(this.conversationId);
  }

  /** A run started a conversation: it becomes the current one. */
  adopt(id: string): void {
    if (this.conversationId) return;
    this.conversationId = id;
    void this.guard(async () => {
      await this.refreshList();
      if (this.conversationId === id) this.title.textContent = this.list.get(id)?.name || NEW_TITLE;
    });
  }

  private wire(): void {
    byId("new-conversation").addEventListener("click", () => void this.guard(() => this.create()));
    this.agent.addEventListener("change", () => this.clear());
    followTheEnd(this.messages);
    const toggle = byId("sidebar-toggle");
    toggle.addEventListener("click", () => {
      const open = document.body.classList.toggle("sidebar-open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }

  private async create(): Promise<void> {
    const res = await this.api.call((c) => c.services.conversations.createConversation({ agentId: this.agent.value }));
    // Opened first, so that the list shows it as the current one as soon as it lists it.
    if (res.conversation) await this.open(res.conversation);
    await this.refreshList();
  }

  private clear(): void {
    this.runs.stopFollowing();
    this.conversationId = "";
    this.list.select("");
    this.title.textContent = NEW_TITLE;
    this.messages.replaceChildren();
    this.input.focus();
  }

  private async open(c: Conversation): Promise<void> {
    const ticket = ++this.opening;
    this.runs.stopFollowing();
    this.conversationId = c.id;
    this.list.select(c.id);
    this.title.textContent = c.name || NEW_TITLE;
    this.messages.replaceChildren();
    chooseOption(this.agent, c.agentId || "default");
    this.closeSidebar();
    await this.guard(async () => {
      const history = await this.api.call((cl) => cl.getConversationHistory(c.id));
      if (ticket !== this.opening) return;
      this.messages.replaceChildren(...history.flatMap(renderStored));
      // A run still streaming into this conversation keeps its place at the end.
      const live = this.runs.liveTurn(c.id);
      if (live) this.messages.append(live);
      else void this.runs.follow(c.id);
    });
    this.input.focus();
  }

  private async rename(id: string, name: string): Promise<void> {
    await this.guard(async () => {
      await this.api.call((c) => c.services.conversations.renameConversation({ conversationId: id, name }));
      if (id === this.conversationId) this.title.textContent = name;
      await this.refreshList();
    });
  }

  private async remove(id: string): Promise<void> {
    await this.guard(async () => {
      await this.api.call((c) => c.services.conversations.deleteConversation({ conversationId: id }));
      if (id === this.conversationId) this.clear();
      await this.refreshList();
    });
  }

  private closeSidebar(): void {
    document.body.classList.remove("sidebar-open");
    byId("sidebar-toggle").setAttribute("aria-expanded", "false");
  }
}

/** Keeps the newest content in view while it streams, unless the reader scrolled up to read. */
function followTheEnd(log: HTMLElement): void {
  let atEnd = true;
  log.addEventListener("scroll", () => {
    atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  });
  new MutationObserver(() => {
    if (atEnd) log.scrollTop = log.scrollHeight;
  }).observe(log, { childList: true, subtree: true, characterData: true });
}
