import type { Approvals } from "./approvals.js";
import type { AuditLog } from "./audit-log.js";
import type { PermissionEngine } from "./permission-engine.js";
import type { PermissionDecision, PermissionGate, PermissionRequest } from "./permission-gate.js";

/**
 * The gate every tool call passes: the permission engine decides, a grant
 * (an approval for the session or a pattern, a pre-approval) turns an `ask`
 * into an allow, and every decision is audited before the call goes on.
 */
export class FloeGate implements PermissionGate {
  constructor(
    private readonly engine: PermissionEngine,
    private readonly approvals: Approvals,
    private readonly audit: AuditLog,
  ) {}

  async decide(req: PermissionRequest): Promise<PermissionDecision> {
    let d: PermissionDecision & { reason: string; policy: string } = this.engine.decide({
      ...req,
      root: req.root ?? "/",
    });
    if (d.result === "ask" && this.approvals.granted(req, d.reason))
      d = { result: "allow", reason: `approved earlier for this session: ${d.reason}`, policy: "approval-grant" };
    await this.audit.append({
      operation: req.operation,
      resource: req.resource,
      result: d.result,
      reason: d.reason,
      policy: d.policy,
      agentId: req.agentId,
      toolName: req.toolName,
      sessionId: req.conversationId,
      keyName: req.keyName ?? "",
    });
    return d.result === "ask" ? { ...d, expiresAt: this.approvals.expiresAt() } : d;
  }
}
