import { Code, ConnectError } from "@connectrpc/connect";
import type { SendMessageResponse } from "../../gen/floe/v1/chat_pb.js";
import type { RunPlan } from "./run-plan.js";

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
}

/** A live run: its plan, the signal that stops it, and its result once it ends. */
export class Run implements RunHandle {
  readonly replayed = false;
  readonly controller = new AbortController();
  readonly done: Promise<SendMessageResponse>;
  private resolveDone!: (r: SendMessageResponse) => void;
  private readonly deadlineTimer: NodeJS.Timeout | undefined;

  constructor(readonly plan: RunPlan) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const { deadline } = plan.seams;
    if (deadline !== undefined) {
      const stop = () => this.controller.abort(new ConnectError("the run's deadline passed", Code.DeadlineExceeded));
      this.deadlineTimer = setTimeout(stop, Math.max(0, deadline - Date.now()));
      this.deadlineTimer.unref();
    }
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

  /** Records the result; called once, after the terminal event is written. */
  settle(result: SendMessageResponse): void {
    clearTimeout(this.deadlineTimer);
    this.resolveDone(result);
  }
}
