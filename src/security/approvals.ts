import { Code, ConnectError } from "@connectrpc/connect";
import picomatch from "picomatch";
import type { ApprovalRepository } from "../store/approval-repository.js";
import type { ApprovalsTable } from "../store/schema.js";
import type { AuditLog } from "./audit-log.js";
import type { PermissionDecision, PermissionRequest } from "./permission-gate.js";

export const APPROVAL_SCOPES = ["once", "session", "pattern"] as const;

/** What a pending approval's waiter gets: the decision for its tool call. */
type Waiter = (d: PermissionDecision) => void;

const COMMAND_OPS = /^(process|git|network)\./;
/** Shell syntax that joins or hides commands. */
const CHAINING = /[;&|\n`]|\$\(/;

interface Grant {
  sessionId: string;
  operation: string;
  /** For a session approval: the engine's reason to ask that it answered. */
  reason: string;
  matches: (resource: string) => boolean;
  /** Epoch ms; Infinity never expires. */
  expiresAt: number;
}

/**
 * Human approvals: a tool call the gate answered with `ask` is stored as a
 * pending request and waits for approve, deny or expiry (which denies, with
 * its own reason). Approving for a session or a pattern, and pre-approving,
 * add grants the gate consults before it asks again. Requests left pending
 * by a restart are marked expired at startup. Every resolution is audited.
 */
export class Approvals {
  private readonly waiting = new Map<string, { resolve: Waiter; timer: NodeJS.Timeout; request: ApprovalsTable }>();
  private grants: Grant[] = [];
  /** Several instances: told of each human answer, for the instance whose tool call waits (ClusterControl). */
  private decided?: (answer: Record<string, string>) => void;

  constructor(
    private readonly repo: ApprovalRepository,
    private readonly audit: AuditLog,
    readonly timeoutMs: number,
  ) {}

  /**
   * Marks what a previous process left pending as expired; with several
   * instances, `keep` spares the requests of runs alive elsewhere.
   */
  async recover(
    keep?: (row: ApprovalsTable) => boolean,
    why = "expired: the server restarted while the request was pending",
  ): Promise<void> {
    for (const row of await this.repo.expireAll(why, keep)) await this.record(row, "deny", why);
  }

  expiresAt(): string {
    return new Date(Date.now() + this.timeoutMs).toISOString();
  }

  /**
   * Whether an earlier answer covers a call the engine asks about: a session
   * approval of the same kind of call (the same reason to ask), or a pattern
   * (or pre-approval) matching the whole resource. A command chained with
   * others never matches a pattern: a grant for `rm -rf ./build*` is not one
   * for `rm -rf ./build ./src; ...`.
   */
  granted(req: PermissionRequest, askReason: string): boolean {
    const now = Date.now();
    this.grants = this.grants.filter((g) => g.expiresAt > now);
    const chained = COMMAND_OPS.test(req.operation) && CHAINING.test(req.resource);
    return this.grants.some(
      (g) =>
        (!g.sessionId || g.sessionId === req.conversationId) &&
        g.operation === req.operation &&
        (g.reason ? g.reason === askReason : !chained && g.matches(req.resource)),
    );
  }
  /** The run seam: stores the request and waits for its decision. */
  readonly hook = async (
    req: PermissionRequest & { approvalId: string; reason: string; expiresAt?: string },
    signal: AbortSignal,
    stored?: () => void,
  ): Promise<PermissionDecision> => {
    const row: ApprovalsTable = {
      id: req.approvalId,
      conversation_id: req.conversationId,
      run_id: req.runId,
      agent_id: req.agentId,
      tool_name: req.toolName,
      operation: req.operation,
      resource: req.resource,
      reason: req.reason,
      status: "pending",
      scope: "",
      created_at: new Date().toISOString(),
      expires_at: req.expiresAt || this.expiresAt(),
      resolved_at: "",
      resolution: "",
    };
    await this.repo.insert(row);
    return new Promise<PermissionDecision>((resolve) => {
      const timer = setTimeout(() => void this.expire(row.id), Math.max(0, Date.parse(row.expires_at) - Date.now()));
      this.waiting.set(row.id, { resolve, timer, request: row });
      // Stored and waited for: an answer from now on finds it, on any instance.
      stored?.();
      const why = () => ConnectError.from(signal.reason ?? "the run was cancelled").rawMessage;
      signal.addEventListener("abort", () => void this.settle(row.id, "expired", "", `expired: ${why()}`), {
        once: true,
      });
    });
  };

  pending(conversationId = ""): Promise<ApprovalsTable[]> {
    return this.repo.pending(conversationId);
  }

  async approve(id: string, scope: string, pattern: string): Promise<string> {
    const s = scope.trim() || "once";
    if (!(APPROVAL_SCOPES as readonly string[]).includes(s))
      throw new ConnectError(
        `scope must be once, session or pattern, got ${JSON.stringify(scope)}`,
        Code.InvalidArgument,
      );
    if (s === "pattern" && !pattern.trim())
      throw new ConnectError(
        "scope pattern needs a pattern: a glob over resources, for example ./build/*",
        Code.InvalidArgument,
      );
    const how = `approved by a human (scope ${s}${s === "pattern" ? `: ${pattern.trim()}` : ""})`;
    const row = await this.decide(id, "approved", s, how);
    // Granted only by the answer that won: an approval racing an expiry or a denial grants nothing.
    this.grantFor(row, s, pattern.trim());
    this.decided?.({ id, status: "approved", scope: s, pattern: pattern.trim(), resolution: how });
    return s;
  }

  async deny(id: string, reason: string): Promise<void> {
    const how = `denied by a human${reason.trim() ? `: ${reason.trim()}` : ""}`;
    await this.decide(id, "denied", "", how);
    this.decided?.({ id, status: "denied", scope: "", pattern: "", resolution: how });
  }

  /** Hears every human answer taken here (to tell the other instances). */
  onDecided(listener: (answer: Record<string, string>) => void): void {
    this.decided = listener;
  }

  /**
   * An answer another instance stored: its grant applies here too, and a
   * tool call waiting here for it wakes with the decision.
   */
  async applyRemote(a: Record<string, string>): Promise<void> {
    const w = this.waiting.get(a.id ?? "");
    const row = w?.request ?? (await this.repo.get(a.id ?? ""));
    if (!row) return;
    if (a.status === "approved") this.grantFor(row, a.scope ?? "", a.pattern ?? "");
    if (!w) return;
    this.waiting.delete(row.id);
    clearTimeout(w.timer);
    const allowed = a.status === "approved";
    const reason = a.resolution ?? "";
    w.resolve(allowed ? { result: "allow", scope: a.scope ?? "once", reason } : { result: "deny", reason });
  }

  private grantFor(row: ApprovalsTable, scope: string, pattern: string): void {
    if (scope === "session") this.addGrant(row.conversation_id, row.operation, "", 0, row.reason);
    if (scope === "pattern") this.addGrant(row.conversation_id, row.operation, pattern, 0);
  }

  preApprove(operation: string, pattern: string, sessionId: string, ttlSeconds: number): void {
    this.addGrant(sessionId, operation, pattern, ttlSeconds);
  }

  private addGrant(sessionId: string, operation: string, pattern: string, ttlSeconds: number, reason = ""): void {
    const matches = pattern ? picomatch(pattern, { dot: true, bash: true }) : () => true;
    const expiresAt = ttlSeconds > 0 ? Date.now() + ttlSeconds * 1000 : Number.POSITIVE_INFINITY;
    this.grants.push({
      sessionId,
      operation,
      reason,
      matches: (r) => matches(r) || matches(r.replace(/^\.\//, "")),
      expiresAt,
    });
  }

  private expire(id: string): Promise<unknown> {
    const why = `approval request expired after ${Math.round(this.timeoutMs / 1000)}s without an answer`;
    return this.settle(id, "expired", "", why).catch(() => undefined);
  }

  /**
   * Records an answer if the request is still pending (the database decides
   * which of two racing answers wins), then wakes the waiting call. NotFound
   * for an unknown id, FailedPrecondition for one already decided.
   */
  private async decide(id: string, status: string, scope: string, resolution: string): Promise<ApprovalsTable> {
    const row = await this.repo.get(id);
    if (!row)
      throw new ConnectError(
        `approval request ${JSON.stringify(id)} not found: list them with GET /api/v1/approvals`,
        Code.NotFound,
      );
    if (!(await this.settle(id, status, scope, resolution))) {
      const now = (await this.repo.get(id))?.status ?? "decided";
      throw new ConnectError(`approval request ${id} is already ${now}`, Code.FailedPrecondition);
    }
    return row;
  }

  /** Stores the decision if it wins, audits it and wakes the waiting tool call; false when another answer won. */
  private async settle(id: string, status: string, scope: string, resolution: string): Promise<boolean> {
    if (!(await this.repo.resolve(id, status, scope, resolution))) return false;
    const w = this.waiting.get(id);
    this.waiting.delete(id);
    if (w) clearTimeout(w.timer);
    const row = w?.request ?? (await this.repo.get(id));
    const allowed = status === "approved";
    if (row) await this.record(row, allowed ? "allow" : "deny", resolution).catch(() => undefined);
    const expired = status === "expired";
    w?.resolve(
      allowed ? { result: "allow", scope, reason: resolution } : { result: "deny", reason: resolution, expired },
    );
    return true;
  }

  private record(row: ApprovalsTable, result: string, reason: string) {
    return this.audit.append({
      operation: row.operation,
      resource: row.resource,
      result,
      reason,
      policy: "human-approval",
      agentId: row.agent_id,
      toolName: row.tool_name,
      sessionId: row.conversation_id,
      keyName: "",
    });
  }
}
