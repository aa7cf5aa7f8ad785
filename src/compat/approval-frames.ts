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
