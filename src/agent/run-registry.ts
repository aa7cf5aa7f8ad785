import { Code, ConnectError } from "@connectrpc/connect";
import type { RunRepository, RunRow } from "../store/run-repository.js";
import type { RunStartStore } from "../store/run-start-store.js";
import type { ConversationLeases } from "./conversation-leases.js";
import { Run, type RunHandle } from "./run.js";
import type { FirstTurn, RunExecutor } from "./run-executor.js";
import type { RunPlan } from "./run-plan.js";
import { startRows } from "./run-start-rows.js";
import { CancelRequests } from "./cancel-requests.js";
import { ConversationHolds } from "./conversation-holds.js";
import { refusals } from "./run-refusals.js";
import { failed } from "./run-result.js";
import { allWithin } from "../domain/within.js";

export interface RunRegistryDeps {
  executor: RunExecutor;
  /** The unit of work that records a run's start. */
  starts: RunStartStore;
  runs: RunRepository;
  /** A conversation has no active run left here (several instances give its numbering back). */
  onIdle?: (conversationId: string, lastRunId: string) => Promise<void> | void;
  /** Several instances: who owns each conversation, in the database. */
  leases?: ConversationLeases;
  /** Several instances: loads a conversation's numbering once its lease is claimed here. */
  prepare?: (conversationId: string) => Promise<void>;
  /** Several instances: the result of a run that another instance executes now. */
  followElsewhere?: (run: RunHandle) => Promise<Awaited<Run["done"]>>;
  /** Several instances: cancels a run executing on another instance, answering how it ended. */
  cancelElsewhere?: (row: RunRow, reason: string) => Promise<CancelOutcome>;
}

/** What a cancel answers (ChatService.CancelRun). */
export type CancelOutcome = { runId: string; status: string; cancelled: boolean };

/**
 * Knows which run is live in each conversation: one active run per
 * conversation, the queue behind it, lookup by id, cancel and shutdown.
 * The executor runs what the registry starts; the registry starts the next
 * queued run when one ends.
 */
export class RunRegistry {
  private readonly active = new Map<string, Run>();
  private readonly queued = new Map<string, Run[]>();
  private readonly byId = new Map<string, Run>();
  private readonly holds = new ConversationHolds();
  /** Cancels of runs that may yet start here (several instances). */
  readonly cancelRequests = new CancelRequests();
  /** Shutting down (SIGTERM, several instances): no run starts here any more. Set by `drain`. */
  draining = false;

  constructor(private readonly deps: RunRegistryDeps) {}

  /** Runs that a snapshot of `conversationId` reports: the active one, then the queue. */
  activeRuns(conversationId: string): RunHandle[] {
    const a = this.active.get(conversationId);
    return [...(a ? [a] : []), ...(this.queued.get(conversationId) ?? [])];
  }

  /** A live (active or queued) run. */
  find(runId: string): RunHandle | undefined {
    return this.byId.get(runId);
  }

  /** A live run's plan. */
  planOf(runId: string): RunPlan | undefined {
    return this.byId.get(runId)?.plan;
  }

  /** Every live run, active or queued. */
  all(): RunHandle[] {
    return [...this.byId.values()];
  }

  /** Several instances: the ownership of conversations (undefined with one instance). */
  get leases(): ConversationLeases | undefined {
    return this.deps.leases;
  }

  executesHere(conversationId: string): boolean {
    return this.active.has(conversationId);
  }

  /** No run of the conversation is live here, active or queued. */
  isIdle(conversationId: string): boolean {
    return this.activeRuns(conversationId).length === 0;
  }

  /** The conversations whose run executes here now. */
  activeConversations(): string[] {
    return [...this.active.keys()];
  }

  /**
   * Holds a conversation for `what` (e.g. "a rollback to a checkpoint") until
   * the returned release is called: no run starts or queues in it meanwhile.
   * Refused (FailedPrecondition) while a run is live or queued in it, or it
   * is held already; checked and taken without an await, so atomically.
   */
  reserve(conversationId: string, what: string, verb: string): () => void {
    const live = this.activeRuns(conversationId)[0];
    if (live) throw refusals.liveRun(conversationId, live.id, verb);
    return this.holds.hold(conversationId, what);
  }

  /**
   * Starts a planned run, or queues it behind the conversation's active run
   * when the plan allows. Resolves once the run's rows are committed.
   */
  async start(plan: RunPlan): Promise<RunHandle> {
    if (this.draining) throw refusals.shuttingDown();
    this.holds.refuseIfHeld(plan.conversationId);
    const busy = this.active.get(plan.conversationId);
    if (busy && !plan.queue) throw refusals.activeRun(plan.conversationId, busy.id);
    const run = new Run(plan);
    const cancelled = this.cancelRequests.reasonFor(run.id);
    if (cancelled) run.controller.abort(new ConnectError(cancelled, Code.Canceled));
    this.byId.set(run.id, run);
    // Claim the conversation before any await, so two concurrent sends cannot both start.
    if (!busy) this.active.set(run.conversationId, run);
    let first: FirstTurn | undefined;
    let claimed = false;
    try {
      // Before anything is sent upstream: another instance may own the conversation.
      if (!busy && this.deps.leases) {
        claimed = await this.deps.leases.claim(plan.conversationId, run.id).then(() => true);
        await this.deps.prepare?.(plan.conversationId);
      }
      // An adopted run's rows exist: it starts as a queued run whose turn came, storing its message then.
      if (!plan.adopted) {
        // Nothing reaches the client before the commit: the stream opens with the start event.
        if (!busy) first = await this.deps.executor.sendFirstTurn(run);
        await this.deps.starts.record(startRows(plan, busy !== undefined, this.deps.leases?.owner ?? ""));
      }
    } catch (e) {
      // Not acknowledged: the request sent upstream, if any, is abandoned.
      run.controller.abort(e);
      this.byId.delete(run.id);
      if (this.active.get(run.conversationId) === run) this.active.delete(run.conversationId);
      if (claimed) void this.deps.leases?.free(run.conversationId, run.id).catch(() => undefined);
      run.abandoned = true;
      run.settle(failed(run, e).result);
      throw e;
    }
    this.followParent(run);
    if (!busy) this.launch(run, first);
    else await this.enqueue(run);
    return run;
  }

  /** A delegated run ends with its parent: cancelling the parent cancels it. */
  private followParent(run: Run): void {
    const parentId = run.plan.seams.parentRunId;
    const parent = parentId ? this.byId.get(parentId) : undefined;
    if (!(parent instanceof Run)) return;
    const onAbort = () => void this.cancel(run.id, "", "the parent run was cancelled").catch(() => undefined);
    if (parent.signal.aborted) return onAbort();
    parent.signal.addEventListener("abort", onAbort, { once: true });
    void run.done.then(() => parent.signal.removeEventListener("abort", onAbort));
  }

  /** Queued once its rows exist (never promoted before them); starts if the run it waited for ended meanwhile. */
  private async enqueue(run: Run): Promise<void> {
    if (run.signal.aborted) {
      const reason = ConnectError.from(run.signal.reason).rawMessage;
      return this.settleQueued(run, await this.deps.executor.endQueued(run, reason));
    }
    if (!this.active.has(run.conversationId)) {
      this.active.set(run.conversationId, run);
      return this.launch(run);
    }
    const queue = this.queued.get(run.conversationId) ?? [];
    // An adopted run was sent (to another instance) earlier than runs queued here since: it takes its place.
    const at = run.plan.adopted ? queue.findIndex((q) => q.startedAt > run.startedAt) : -1;
    if (at >= 0) queue.splice(at, 0, run);
    else queue.push(run);
    this.queued.set(run.conversationId, queue);
    this.deps.executor.announceQueued(run, at >= 0 ? at + 1 : queue.length);
  }

  private settleQueued(run: Run, result: Awaited<Run["done"]>): void {
    this.byId.delete(run.id);
    run.settle(result);
  }

  /** Several instances: another took the conversation and ended its run; it stops here unwritten, queue and all. */
  relinquish(conversationId: string): void {
    this.forgetQueued(conversationId);
    const run = this.active.get(conversationId);
    if (!run) return;
    run.lost = true;
    run.controller.abort(new ConnectError("another instance took this run's conversation", Code.Aborted));
  }

  /** Queued runs (`which`) another instance runs now (their rows hold their requests): gone from here unwritten. */
  private forgetQueued(conversationId: string, which: (r: Run) => boolean = () => true): Run[] {
    const queue = this.queued.get(conversationId) ?? [];
    const gone = queue.filter(which);
    const kept = queue.filter((r) => !which(r));
    if (kept.length) this.queued.set(conversationId, kept);
    else this.queued.delete(conversationId);
    for (const run of gone) {
      this.byId.delete(run.id);
      const follow = this.deps.followElsewhere;
      if (follow)
        void follow(run).then(
          (r) => run.settle(r),
          (e: unknown) => run.settle(failed(run, e).result),
        );
    }
    return gone;
  }

  /** Cancels a run, or the active run of a conversation. Idempotent. */
  async cancel(runId: string, conversationId: string, reason = "cancelled by request"): Promise<CancelOutcome> {
    const run = runId ? this.byId.get(runId) : this.active.get(conversationId);
    if (run) {
      const queue = this.queued.get(run.conversationId);
      const i = queue?.indexOf(run) ?? -1;
      let status = "cancelled";
      if (queue && i >= 0) {
        queue.splice(i, 1);
        this.settleQueued(run, await this.deps.executor.endQueued(run, reason));
      } else {
        run.controller.abort(new ConnectError(reason, Code.Canceled));
        // A run about to end may end otherwise: the answer says how it ended.
        status = (await run.done).status || status;
      }
      // A run whose start failed (another instance holds its conversation) runs there, unless this one shuts down.
      if (!run.abandoned || !this.deps.cancelElsewhere || this.draining)
        return { runId: run.id, status, cancelled: status === "cancelled" };
    }
    const remote = this.deps.cancelElsewhere && (await this.runElsewhere(runId, conversationId));
    if (remote) return this.deps.cancelElsewhere!(remote, reason);
    if (!runId)
      throw new ConnectError(`conversation ${JSON.stringify(conversationId)} has no active run`, Code.NotFound);
    const row = await this.deps.runs.byId(runId);
    if (!row) throw new ConnectError(`run ${JSON.stringify(runId)} not found`, Code.NotFound);
    return { runId, status: row.status, cancelled: false };
  }

  /** The open run, executing on another instance, that a cancel names. */
  private async runElsewhere(runId: string, conversationId: string): Promise<RunRow | undefined> {
    const id = runId || (await this.deps.leases?.heldRun(conversationId));
    const row = id ? await this.deps.runs.byId(id) : undefined;
    return row && (row.status === "running" || row.status === "queued") ? row : undefined;
  }

  /**
   * Stops taking runs (SIGTERM, several instances); waits up to `graceMs` for
   * live ones. Then runs still queued are left to the other instances, and
   * `shutdown` cancels the active ones.
   */
  async drain(graceMs: number): Promise<void> {
    this.draining = true;
    const live = this.all().map((r) => r.done);
    await allWithin(live, graceMs);
    const leases = this.deps.leases;
    if (!leases) return;
    // Runs still queued have not started: the other instances run them, rather than the shutdown cancel them. A
    // delegated one whose parent is cancelled here stays, to be cancelled with it rather than run orphaned.
    const orphan = (r: Run) => this.byId.has(r.plan.seams.parentRunId ?? "");
    const queued = [...this.queued.keys()].flatMap((id) => this.forgetQueued(id, (r) => !orphan(r)));
    if (queued.length) await leases.handOn(queued.map((r) => r.id));
  }

  /** Cancels every run (server shutdown) and waits for their terminal events. */
  async shutdown(): Promise<void> {
    const all = [...this.byId.values()];
    await Promise.all(all.map((r) => this.cancel(r.id, "", "server shutting down").catch(() => undefined)));
  }

  /** Ends runs a previous process left open, each with one terminal error event. */
  async recoverInterrupted(): Promise<void> {
    // Several instances: only runs whose owner is gone, each ended by exactly one instance.
    if (this.deps.leases) return this.deps.leases.recover();
    await this.deps.executor.endInterrupted(await this.deps.runs.openRuns());
  }

  private launch(run: Run, first?: FirstTurn): void {
    // A queued run cancelled before its turn came ends without a model call.
    const why = !first && run.signal.aborted ? ConnectError.from(run.signal.reason) : undefined;
    const reason = why?.code === Code.Canceled ? why.rawMessage : undefined;
    const ending = reason ? this.deps.executor.endQueued(run, reason) : this.deps.executor.execute(run, first);
    void ending.then((result) => {
      this.byId.delete(run.id);
      if (this.active.get(run.conversationId) === run) {
        this.active.delete(run.conversationId);
        const next = this.queued.get(run.conversationId)?.shift();
        if (next) {
          this.active.set(next.conversationId, next);
          this.deps.leases?.handoff(next.conversationId, next.id);
          this.launch(next);
        } else {
          void this.deps.onIdle?.(run.conversationId, run.id);
        }
      }
      run.settle(result);
    });
  }
}
