import type { CancelOutcome, RunRegistry } from "../agent/run-registry.js";
import type { Logger } from "../domain/logger.js";
import type { ClusterBus, ControlMessage } from "../events/cluster-bus.js";
import type { EventLog } from "../events/event-log.js";
import type { Approvals } from "../security/index.js";
import type { RunRow } from "../store/run-repository.js";
import { watchRemoteRun } from "./remote-run.js";

/**
 * Commands that must reach the instance executing a run, over the bus's
 * control channel: a cancel sent to another instance, and an approval's
 * answer (stored by whichever instance took it; the owner wakes its waiting
 * tool call, and every instance learns a session or pattern grant).
 */
export class ClusterControl {
  constructor(
    private readonly bus: ClusterBus,
    private readonly events: EventLog,
    private readonly runs: RunRegistry,
    private readonly approvals: Approvals,
    private readonly log: Logger,
  ) {}

  /** Starts acting on commands; returns the function that stops. */
  start(): () => void {
    this.approvals.onDecided((fields) => void this.bus.sendControl({ type: "approval", fields }));
    return this.bus.onControl((m) => void this.act(m).catch((err: unknown) => this.warn(err, m)));
  }

  private async act(m: ControlMessage): Promise<void> {
    if (m.origin === this.bus.instanceId) return;
    if (m.type === "approval") return this.approvals.applyRemote(m.fields);
    if (m.type !== "cancel") return;
    const runId = m.fields.runId ?? "";
    const reason = m.fields.reason || "cancelled by request";
    // Kept even when the run is here: one being adopted may fail to start and be adopted elsewhere.
    this.runs.cancelRequests.add(runId, reason);
    if (this.runs.find(runId)) await this.runs.cancel(runId, "", reason);
  }

  /**
   * Cancels a run executing on another instance: the owner cancels it, and
   * the answer comes once its terminal event is stored (read here through
   * the relay), so the caller learns how it really ended.
   */
  async cancelElsewhere(row: RunRow, reason: string): Promise<CancelOutcome> {
    const { id: runId, conversation_id: conversationId } = row;
    const { ended } = await watchRemoteRun(this.events, conversationId, runId);
    // A queued run may not be adopted yet: whichever instance adopts it, this one included, ends it unrun.
    this.runs.cancelRequests.add(runId, reason);
    await this.bus.sendControl({ type: "cancel", fields: { runId, reason } });
    const how = await ended;
    return { runId, status: how === "complete" ? "completed" : how, cancelled: how === "cancelled" };
  }

  private warn(err: unknown, m: ControlMessage): void {
    this.log.warn({ err, type: m.type, origin: m.origin }, "a control command from another instance failed");
  }
}
