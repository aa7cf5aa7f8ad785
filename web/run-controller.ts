import type { FloeAgentClient } from "../clients/agent-client.js";
import { type Api, describeError } from "./api.js";
import { byId } from "./dom.js";
import { followLiveRuns } from "./live-follow.js";
import { userMessage } from "./message-views.js";
import { TurnView } from "./turn-view.js";

/** What runs need of the page. */
export interface RunHost {
  readonly api: Api;
  readonly messages: HTMLElement;
  readonly agent: HTMLSelectElement;
  readonly model: HTMLSelectElement;
  readonly input: HTMLTextAreaElement;
  readonly conversationId: string;
  /** A run started a conversation: it becomes the current one. */
  adopt(conversationId: string): void;
  guard(fn: () => Promise<void>): Promise<void>;
  refreshList(): Promise<void>;
  showError(message: string): void;
}

interface LiveRun {
  turn: TurnView;
  conversationId: string;
  abort: AbortController;
}

/**
 * The composer and the run it starts: Enter sends, Shift+Enter adds a line;
 * the answer streams into a TurnView, through dropped connections (the
 * client resumes from the last event it saw); Cancel ends the run on the
 * server, which reports `cancelled`.
 */
export class RunController {
  private readonly form = byId<HTMLFormElement>("composer");
  private readonly send = byId<HTMLButtonElement>("send");
  private readonly cancel = byId<HTMLButtonElement>("cancel");
  private readonly status = byId("status");
  private live: LiveRun | undefined;
  private following: AbortController | undefined;

  constructor(private readonly app: RunHost) {
    app.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.form.requestSubmit();
      }
    });
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.submit();
    });
    this.cancel.addEventListener("click", () => void this.stop());
  }

  /** The element of the run streaming into `conversationId`, if one is. */
  liveTurn(conversationId: string): HTMLElement | undefined {
    return this.live && this.live.conversationId === conversationId ? this.live.turn.el : undefined;
  }

  /**
   * Shows the runs still live in `conversationId` when it is opened (after a
   * reload, or started in another tab), until they end or another
   * conversation is opened.
   */
  async follow(conversationId: string): Promise<void> {
    this.stopFollowing();
    const following = new AbortController();
    this.following = following;
    const turns = new Map<string, TurnView>();
    try {
      await this.app.api.call((client) =>
        followLiveRuns(client, conversationId, following.signal, (e) => {
          let turn = turns.get(e.runId);
          if (!turn) {
            turn = this.newTurn();
            turns.set(e.runId, turn);
            this.app.messages.append(turn.el);
          }
          turn.handle(e);
        }),
      );
    } catch (e) {
      if (!following.signal.aborted) this.app.showError(describeError(e));
    }
  }

  stopFollowing(): void {
    this.following?.abort();
    this.following = undefined;
  }

  private newTurn(): TurnView {
    return new TurnView((requestId) => ({
      approve: (scope, pattern) => this.app.api.call((c) => c.approve(requestId, scope, pattern)),
      deny: () => this.app.api.call((c) => c.deny(requestId)),
    }));
  }

  private async submit(): Promise<void> {
    const text = this.app.input.value;
    if (!text.trim() || this.live) return;
    this.app.input.value = "";
    const turn = this.newTurn();
    this.app.messages.append(userMessage(text), turn.el);
    const live: LiveRun = { turn, conversationId: this.app.conversationId, abort: new AbortController() };
    this.live = live;
    this.setRunning(true);
    try {
      await this.app.api.call((client) => this.stream(client, text, live));
    } catch (e) {
      turn.fail(describeError(e));
    } finally {
      this.live = undefined;
      this.setRunning(false);
      await this.app.guard(() => this.app.refreshList());
    }
  }

  private async stream(client: FloeAgentClient, text: string, live: LiveRun): Promise<void> {
    let resumes = 0;
    const events = client.streamChat(text, {
      agentId: this.app.agent.value,
      conversationId: live.conversationId,
      includeReasoning: true,
      signal: live.abort.signal,
      // A browser rides out a network outage of about a minute (the backoff tops out at 2 s).
      maxResumes: 30,
      request: this.app.model.value ? { model: this.app.model.value } : undefined,
      onResume: (_seq, attempt) => {
        resumes = attempt;
        live.turn.el.dataset.resumes = String(attempt);
        this.status.textContent = `Connection lost: resuming the answer (attempt ${attempt})…`;
      },
    });
    for await (const e of events) {
      if (resumes > 0) {
        this.status.textContent = "Reconnected.";
        resumes = 0;
      }
      if (e.type === "start" && !live.conversationId) {
        live.conversationId = e.conversationId;
        this.app.adopt(e.conversationId);
      }
      live.turn.handle(e);
    }
  }

  private async stop(): Promise<void> {
    const live = this.live;
    if (!live) return;
    this.cancel.disabled = true;
    // Before the run is known, aborting the stream cancels it (the client asks the server).
    if (!live.turn.runId) return live.abort.abort(new Error("cancelled before the run started"));
    await this.app.guard(async () => {
      await this.app.api.call((c) => c.services.chat.cancelRun({ runId: live.turn.runId }));
    });
  }

  private setRunning(running: boolean): void {
    this.send.disabled = running;
    this.cancel.hidden = !running;
    this.cancel.disabled = !running;
    this.form.setAttribute("aria-busy", String(running));
    if (!running && !this.app.input.matches(":focus")) this.app.input.focus();
  }
}
