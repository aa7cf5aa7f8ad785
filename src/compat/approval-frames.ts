import type { Event } from "../../gen/floe/v1/events_pb.js";

/** The approval events as both legacy streams show them (Penguin's documented shape), or undefined. */
export function approvalFrame(e: Event): { event: string; data: Record<string, unknown> } | undefined {
  const k = e.kind;
  if (k.case === "approvalRequired") {
    const { requestId, toolName, operation, resource, reason, expiresAt } = k.value;
    return {
      event: "approval_required",
      data: { request_id: requestId, tool_name: toolName, operation, resource, reason, expires_at: expiresAt },
    };
  }
  if (k.case === "approvalResolved") {
    const { requestId, status, scope } = k.value;
    return { event: "approval_resolved", data: { request_id: requestId, status, ...(scope ? { scope } : {}) } };
  }
  return undefined;
}

/** The pending approvals a snapshot lists, in Penguin's shape (GET /api/v1/approvals). */
export function pendingApprovalsJson(e: Event): Record<string, unknown>[] {
  if (e.kind.case !== "snapshot") return [];
  return e.kind.value.pendingApprovals.map((a) => ({
    id: a.id,
    tool_name: a.toolName,
    operation: a.operation,
    resource: a.resource,
    reason: a.reason,
    session_id: a.sessionId,
    created_at: a.createdAt,
    expires_at: a.expiresAt,
  }));
}
