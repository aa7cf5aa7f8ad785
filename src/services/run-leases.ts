import { hostname } from "node:os";
import { type ConversationLeases, HeldElsewhere } from "../agent/conversation-leases.js";
import type { RunRegistry } from "../agent/run-registry.js";
import type { Logger } from "../domain/logger.js";
import type { ApprovalsTable } from "../store/schema.js";
import type { LeaseRepository, LeaseRow } from "../store/lease-repository.js";
import type { RunRepository, RunRow } from "../store/run-repository.js";

/** How many times (20 ms apart) a claim waits for a lease whose run has ended to be freed: 5 s, for a loaded machine. */
const FREEING_ATTEMPTS = 250;

/**
 * Whether an instance id (`host-pid-random`, see newInstanceId) names a
 * process of this host that has exited: a restart on the same host need not
 * wait for its predecessor's leases to expire. A reused pid only delays that.
 */
export function deadHere(owner: string): boolean {
  const prefix = `${hostname()}-`;
  if (!owner.startsWith(prefix)) return false;
  const pid = Number(owner.slice(prefix.length).split("-")[0]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ESRCH";
  }
}

const RESTARTED = "the run was interrupted by a server restart; send the message again";

/** Runs queued runs that their instance left (RunForwarding). */
export interface QueuedRunAdopter {
  /** Adopts them here, in order: those nobody adopted, or `deadOwner` had. */
  takeOver(rows: readonly RunRow[], deadOwner: string): Promise<void>;
  /** Hands on queued runs nobody adopted. */
  sweep(): Promise<void>;
  /** Gives back runs queued here, for the other instances to adopt (a drain's end). */
  handOn(runIds: readonly string[]): Promise<void>;
  /** Stops handing on (shutdown). */
  stop(): void;
}

export const OWNER_STOPPED = "the instance running it stopped; send the message again";

export interface RunLeasesDeps {
  repo: LeaseRepository;
  runRecords: RunRepository;
  owner: string;
  leaseMs: number;
  now: () => number;
  log: Logger;
  /** Ends runs nobody executes any more, each with one terminal event (RunExecutor.endInterrupted). */
  endRuns: (rows: readonly RunRow[], why: string) => Promise<void>;
  /** Stores a conversation's events and gives back its numbering (EventLog.release). */
  release: (conversationId: string) => Promise<void>;
  /** Expires pending approvals that `keep` does not spare. */
  expireApprovals: (keep: (row: ApprovalsTable) => boolean, why: string) => Promise<void>;
  /** Whether a run's terminal event is stored (its row records the result a moment later). */
  ended: (row: RunRow) => Promise<boolean>;
}

/**
 * Run ownership among instances sharing a database. The instance executing
 * a conversation's run holds its lease and renews it every third of
 * `leaseMs`; every instance sweeps for leases that expired (their owner was
 * killed or hung) and ends those runs, one instance per lease (a conditional
 * take-over), then frees the conversation.
 */
export class RunLeases implements ConversationLeases {
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private registry?: RunRegistry;
  private forwarding?: QueuedRunAdopter;

  constructor(private readonly d: RunLeasesDeps) {}

  get owner(): string {
    return this.d.owner;
  }

  /** Queued runs of a dead instance are adopted here, and stray forwarded ones looked for (bound late). */
  attachForwarding(f: QueuedRunAdopter): void {
    this.forwarding = f;
  }

  async handOn(runIds: readonly string[]): Promise<void> {
    await this.forwarding?.handOn(runIds);
  }

  /** The registry whose runs a lost lease cancels (bound late: it is built with these leases). */
  attach(registry: RunRegistry): void {
    this.registry = registry;
  }

  async claim(conversationId: string, runId: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const held = await this.d.repo.claim({ conversation_id: conversationId, run_id: runId, ...this.term() });
      if (held.owner === this.d.owner) return;
      // The holder's run has ended and its lease is being freed (a client sent right after the end): wait for it.
      if (attempt >= FREEING_ATTEMPTS || (await this.running(held.run_id))) this.refuse(conversationId, held);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private async running(runId: string): Promise<boolean> {
    const row = await this.d.runRecords.byId(runId);
    if (row === undefined) return true;
    // A run whose terminal event is stored has ended, though its row may not say so yet.
    if (row.status !== "running" && row.status !== "queued") return false;
    // A failed read counts as "not ended": the claim is refused as before, rather than failing.
    return !(await this.d.ended(row).catch(() => false));
  }

  private refuse(conversationId: string, held: LeaseRow): never {
    throw new HeldElsewhere(conversationId, held.run_id);
  }

  handoff(conversationId: string, runId: string): void {
    void this.d.repo.handoff(conversationId, this.d.owner, runId).catch((err: unknown) => this.warn(err));
  }

  free(conversationId: string, runId: string): Promise<void> {
    return this.d.repo.free(conversationId, this.d.owner, runId);
  }

  async heldRun(conversationId: string): Promise<string | undefined> {
    return (await this.d.repo.get(conversationId))?.run_id;
  }

  /** Conversations some instance holds now: their runs and approvals are alive. */
  async liveConversations(): Promise<Set<string>> {
    return new Set((await this.d.repo.live(this.iso(0))).map((l) => l.conversation_id));
  }

  async recover(): Promise<void> {
    const open = await this.d.runRecords.openRuns();
    // Read after the runs: a run row is written after its lease, so every run listed has its lease by now.
    const leased = new Set((await this.d.repo.all()).map((l) => l.conversation_id));
    const orphaned = new Map<string, RunRow[]>();
    for (const r of open) {
      if (leased.has(r.conversation_id)) continue;
      orphaned.set(r.conversation_id, [...(orphaned.get(r.conversation_id) ?? []), r]);
    }
    for (const [conversationId, rows] of orphaned) {
      // Taken first, so that two instances starting together end each run once.
      const held = await this.d.repo.claim({ conversation_id: conversationId, run_id: rows[0]!.id, ...this.term() });
      if (held.owner !== this.d.owner) continue;
      await this.endOrAdopt(conversationId, rows, RESTARTED, held.run_id, "");
    }
    await this.sweep();
  }

  /** Starts renewing and sweeping. */
  start(): void {
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.d.leaseMs / 3)));
    this.timer.unref();
  }

  /** Stops the timer and frees what this instance holds (its runs have ended). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.forwarding?.stop();
    await this.ticking;
    await this.d.repo.freeAll(this.d.owner).catch((err: unknown) => this.warn(err));
  }

  private tick(): Promise<void> {
    this.ticking ??= (async () => {
      try {
        await this.renew();
        await this.sweep();
        await this.forwarding?.sweep();
      } catch (err) {
        this.warn(err);
      } finally {
        this.ticking = undefined;
      }
    })();
    return this.ticking;
  }

  /** Extends this instance's leases; a run whose lease another instance took is cancelled here. */
  private async renew(): Promise<void> {
    const held = await this.d.repo.renew(this.d.owner, this.term().expires_at);
    for (const conversationId of this.registry?.activeConversations() ?? []) {
      if (held.has(conversationId)) continue;
      const run = this.registry!.activeRuns(conversationId)[0];
      if (!run) continue;
      await this.claim(conversationId, run.id).catch(() => {
        this.d.log.warn(
          { conversationId, runId: run.id },
          "lost the run's lease to another instance: stopping it here",
        );
        // That instance ended the run (one terminal event) and runs the queue: nothing more is written or run here.
        this.registry!.relinquish(conversationId);
      });
    }
  }

  /** Ends the runs of leases whose owner stopped renewing them, or is a process of this host that no longer exists. */
  async sweep(): Promise<void> {
    const now = this.iso(0);
    for (const lease of await this.d.repo.all()) {
      if (lease.owner === this.d.owner || (lease.expires_at >= now && !deadHere(lease.owner))) continue;
      if (!(await this.d.repo.takeOver(lease, this.d.owner, this.term().expires_at))) continue;
      this.d.log.warn(
        { conversationId: lease.conversation_id, owner: lease.owner },
        "a run's owner stopped: ending it",
      );
      await this.takeOver(lease);
    }
  }

  private async takeOver(lease: LeaseRow): Promise<void> {
    const open = (await this.d.runRecords.openRuns()).filter((r) => r.conversation_id === lease.conversation_id);
    await this.endOrAdopt(lease.conversation_id, open, OWNER_STOPPED, lease.run_id, lease.owner);
  }

  /**
   * Ends the runs nobody executes any more; queued runs stored with their
   * request are not lost but run here, in order, once the conversation is free.
   */
  private async endOrAdopt(
    conversationId: string,
    open: RunRow[],
    why: string,
    heldRun: string,
    deadOwner: string,
  ): Promise<void> {
    const f = this.forwarding;
    const stored = (r: RunRow) => f !== undefined && r.status === "queued" && r.request !== "";
    // Adopted by a live instance (not the dead one, not one that exited here): left to it.
    const elsewhere = (r: RunRow) =>
      stored(r) && r.adopted_by !== "" && r.adopted_by !== deadOwner && !deadHere(r.adopted_by);
    const queued = open.filter((r) => stored(r) && !elsewhere(r));
    await this.end(
      conversationId,
      open.filter((r) => !stored(r)),
      why,
    );
    await this.free(conversationId, heldRun);
    if (queued.length > 0) await f!.takeOver(queued, deadOwner);
  }

  private async end(conversationId: string, rows: readonly RunRow[], why: string): Promise<void> {
    await this.d.expireApprovals((a) => a.conversation_id !== conversationId, `expired: ${why}`);
    await this.d.endRuns(rows, why);
    await this.d.release(conversationId);
  }

  private term(): { owner: string; expires_at: string } {
    return { owner: this.d.owner, expires_at: this.iso(this.d.leaseMs) };
  }

  private iso(afterMs: number): string {
    return new Date(this.d.now() + afterMs).toISOString();
  }

  private warn(err: unknown): void {
    this.d.log.warn({ err }, "run lease upkeep failed; retrying on the next tick");
  }
}
