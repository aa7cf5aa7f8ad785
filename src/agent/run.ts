import { Code, ConnectError } from "@connectrpc/connect";
import type { SendMessageResponse } from "../../gen/floe/v1/chat_pb.js";
import type { RunPlan } from "./run-plan.js";

/** The longest delay setTimeout honours (2^31 - 1 ms); longer ones fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
  /** Its terminal event is out and its result is being recorded (a run executing here). */
  ending?: boolean;
}

/** A live run: its plan, the signal that stops it, and its result once it ends. */
export class Run implements RunHandle {
  readonly replayed = false;
  readonly controller = new AbortController();
  readonly done: Promise<SendMessageResponse>;
  /**
   * Several instances: another instance took the run's conversation (this
   * one stalled past its lease) and ended the run there. It stops here
   * writing nothing more: the conversation is numbered over there now.
   */
  lost = false;
  /** Its start failed here (another instance may hold its conversation): it never ran here. */
  abandoned = false;
  ending = false;
  private resolveDone!: (r: SendMessageResponse) => void;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private settled = false;

  constructor(readonly plan: RunPlan) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    if (plan.seams.deadline !== undefined) this.armDeadline(plan.seams.deadline);
  }

  /** Stops the run at `deadline`; a timer cannot wait longer than about 24.8 days, so far deadlines re-arm. */
  private armDeadline(deadline: number): void {
    const left = deadline - Date.now();
    const stop = () => this.controller.abort(new ConnectError("the run's deadline passed", Code.DeadlineExceeded));
    const wake = left > MAX_TIMER_MS ? () => this.armDeadline(deadline) : stop;
    this.deadlineTimer = setTimeout(wake, Math.min(Math.max(0, left), MAX_TIMER_MS));
    this.deadlineTimer.unref();
  }

  get id(): string {
    return this.plan.runId;
  }
  get conversationId(): string {
    return this.plan.conversationId;
  }
  get agentId(): string {
    return this.plan.profile.id;
  }
  get startedAt(): string {
    return this.plan.startedAt;
  }
  get afterSeq(): number {
    return this.plan.afterSeq;
  }
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Records the result: after the terminal event is written, or when the run could not start. Once only. */
  settle(result: SendMessageResponse): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.deadlineTimer);
    this.resolveDone(result);
  }
}
