/** How long a cancel waits for its run to be adopted somewhere: longer than any queued run waits. */
const KEEP_MS = 10 * 60_000;

/**
 * Several instances: cancels of runs not live here (yet). A queued run stored
 * on one instance may be adopted by another a moment after its cancel went
 * out: whichever instance adopts it finds the cancel here and ends it before
 * it runs.
 */
export class CancelRequests {
  private readonly byRun = new Map<string, { reason: string; at: number }>();

  add(runId: string, reason: string, now = Date.now()): void {
    for (const [id, r] of this.byRun) if (now - r.at > KEEP_MS) this.byRun.delete(id);
    this.byRun.set(runId, { reason, at: now });
  }

  /** Why a run was cancelled before it could start here. Kept (until it expires): a start may fail and be tried again. */
  reasonFor(runId: string): string | undefined {
    return this.byRun.get(runId)?.reason;
  }
}
