import { ConnectError } from "@connectrpc/connect";
import { isHeldElsewhere } from "../agent/conversation-leases.js";
import type { RunHandle } from "../agent/run.js";
import type { RunPlan } from "../agent/run-plan.js";
import { startRows } from "../agent/run-start-rows.js";
import type { RunRegistry } from "../agent/run-registry.js";
import type { Logger } from "../domain/logger.js";
import type { ClusterBus, ControlMessage } from "../events/cluster-bus.js";
import type { EventLog } from "../events/event-log.js";
import type { RunRepository, RunRow } from "../store/run-repository.js";
import type { RunStartStore } from "../store/run-start-store.js";
import { remoteRunHandle } from "./remote-run.js";
import type { QueuedRunAdopter } from "./run-leases.js";
import { allWithin } from "../domain/within.js";

/** How often the forwarding instance checks that its run was adopted, at most. */
const CHECK_MS = [25, 50, 100, 200, 400, 800, 1000];
/** Checks before it leaves the run to the periodic sweep. */
const CHECKS = 30;
/** How long a forward waits for the adoption before answering (so a later send cannot overtake it). */
const ACK_WAIT_MS = 2_000;

export interface RunForwardingDeps {
  bus: ClusterBus;
  runs: RunRegistry;
  runRecords: RunRepository;
  starts: RunStartStore;
  events: EventLog;
  log: Logger;
  /** Builds and starts a queued run from its stored request (ChatRunStarter.adopt). */
  adopt: (row: RunRow) => Promise<RunHandle>;
  /**
   * Ends a queued run that cannot start with one terminal event, numbered
   * here: false when another instance executes its conversation (that one
   * adopts the run and ends it).
   */
  endHere: (row: RunRow, why: string) => Promise<boolean>;
  /** How long a forwarded run may wait unadopted before the sweep hands it on. */
  sweepMs: number;
}

/**
 * Several instances: a run queued on one instance behind a run another
 * instance executes. Its rows are stored with its request, and the instance
 * executing the conversation adopts it (told over the control channel) and
 * queues it there, in the order the runs were sent, so a queued chat, a
 * human reply or an agent's message sent to any instance runs in order in
 * its conversation. The sender keeps checking until some instance has
 * adopted it, adopting it itself if the conversation came free; a periodic
 * sweep covers a sender that died.
 */
export class RunForwarding implements QueuedRunAdopter {
  private readonly chains = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(private readonly d: RunForwardingDeps) {}

  start(): () => void {
    const off = this.d.bus.onControl((m) => void this.act(m));
    return () => {
      this.closed = true;
      off();
    };
  }

  stop(): void {
    this.closed = true;
  }

  /** Stores a queued run that another instance's conversation holds, and hands it over. */
  async forward(plan: RunPlan): Promise<RunHandle> {
    await this.d.starts.record({ run: startRows(plan, true, "").run });
    const handle = remoteRunHandle(this.d.events, this.d.runRecords, plan);
    await this.announce(plan.runId, plan.conversationId);
    const adopted = this.follow(plan.runId, plan.conversationId);
    await allWithin([adopted], ACK_WAIT_MS);
    return handle;
  }

  /** Adopts, in order, the queued runs a dead instance (`deadOwner`) left; the caller took over their conversation. */
  async takeOver(rows: readonly RunRow[], deadOwner: string): Promise<void> {
    for (const row of rows) {
      // A run another, live, instance is adopting is its to run.
      if (row.adopted_by === "" || row.adopted_by === deadOwner) await this.adopt(row.id, row.adopted_by);
    }
  }

  /**
   * A drain's end: the runs queued here go back to "adopted by nobody", and
   * this instance stops adopting (it is shutting down), so another instance's
   * sweep adopts them once the conversation is free, in the order they were
   * sent.
   */
  async handOn(runIds: readonly string[]): Promise<void> {
    this.closed = true;
    const owner = this.d.bus.instanceId;
    for (const id of runIds) {
      await this.d.runRecords
        .adoptQueued(id, "", owner)
        .catch((err: unknown) => this.d.log.warn({ err, runId: id }, "could not leave a queued run to the others"));
    }
  }

  private act(m: ControlMessage): Promise<unknown> {
    if (m.type !== "adopt" || this.closed || this.d.runs.draining) return Promise.resolve();
    const { runId = "", conversationId = "" } = m.fields;
    if (!this.d.runs.executesHere(conversationId)) return Promise.resolve();
    return this.inOrder(conversationId, () => this.adopt(runId));
  }

  /** Adoptions of one conversation one at a time, so they queue in the order they were announced. */
  private inOrder<T>(conversationId: string, work: () => Promise<T>): Promise<T | undefined> {
    const prev = this.chains.get(conversationId) ?? Promise.resolve();
    const next = prev.then(work).catch((err: unknown) => {
      this.warn(err, conversationId);
      return undefined;
    });
    this.chains.set(conversationId, next);
    void next.then(() => {
      if (this.chains.get(conversationId) === next) this.chains.delete(conversationId);
    });
    return next;
  }

  /** Takes the run (one instance wins) and starts it here; false when it was not this instance's to take. */
  private async adopt(runId: string, from = ""): Promise<boolean> {
    const owner = this.d.bus.instanceId;
    if (this.d.runs.draining) {
      // Shutting down, this instance starts nothing: a run it took over from a dead one is left to the others.
      if (from) await this.d.runRecords.adoptQueued(runId, "", from);
      return false;
    }
    if (!(await this.d.runRecords.adoptQueued(runId, owner, from))) return false;
    const row = (await this.d.runRecords.byId(runId))!;
    try {
      await this.d.adopt(row);
      return true;
    } catch (e) {
      // Held by another instance, or this one began shutting down meanwhile: the run is someone else's to start.
      if (!isHeldElsewhere(e) && !this.d.runs.draining) {
        const why = `the queued run could not start: ${ConnectError.from(e).rawMessage}`;
        this.d.log.warn({ runId, err: e }, why);
        if (await this.d.endHere(row, why)) return true;
      }
      // The conversation runs on another instance: give the run back and tell that one.
      await this.d.runRecords.adoptQueued(runId, "", owner);
      await this.announce(runId, row.conversation_id);
      return false;
    }
  }

  /** Until someone adopted it: tell the conversation's owner again, or adopt it here once the conversation is free. */
  private async follow(runId: string, conversationId: string): Promise<void> {
    for (let i = 0; i < CHECKS && !this.closed; i++) {
      await new Promise((r) => setTimeout(r, CHECK_MS[Math.min(i, CHECK_MS.length - 1)]).unref());
      if (this.closed) return;
      try {
        const row = await this.d.runRecords.byId(runId);
        if (!row || row.adopted_by || row.status !== "queued") return;
        if (await this.inOrder(conversationId, () => this.adopt(runId))) return;
        await this.announce(runId, conversationId);
      } catch (err) {
        this.warn(err, runId);
      }
    }
  }

  /** Hands on queued runs nobody adopted for a while (their sender died before it could). */
  async sweep(): Promise<void> {
    const before = new Date(Date.now() - this.d.sweepMs).toISOString();
    // A conversation whose older run could not be adopted is left for this pass: a later one must not overtake it.
    const blocked = new Set<string>();
    for (const row of await this.d.runRecords.unadopted(before)) {
      if (this.closed) return;
      if (blocked.has(row.conversation_id)) continue;
      const adopted = await this.inOrder(row.conversation_id, () => this.adopt(row.id));
      if (adopted) continue;
      blocked.add(row.conversation_id);
      await this.announce(row.id, row.conversation_id);
    }
  }

  private announce(runId: string, conversationId: string): Promise<void> {
    return this.d.bus.sendControl({ type: "adopt", fields: { runId, conversationId } });
  }

  private warn(err: unknown, id: string | undefined): void {
    if (!this.closed)
      this.d.log.warn({ err, id }, "could not hand a queued run to the instance executing its conversation");
  }
}
