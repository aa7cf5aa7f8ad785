import { AuditEntrySchema, DenyResponseSchema, SecurityService } from "../../../gen/floe/v1/security_pb.js";
import { toDocJson } from "../doc-json.js";
import { bodyObject, optionalString, queryInt, queryString } from "../request-json.js";
import type { SurfaceRoutes } from "../surface-routes.js";

type IdParams = { request_id: string };
const optional = (v: string) => v || undefined;

/** Penguin's security routes: the audit log and its stats, and approvals. */
export function registerPenguinSecurityRoutes(r: SurfaceRoutes): void {
  r.add({
    method: "GET",
    url: "/security/audit",
    tag: "security",
    summary: "Recent permission decisions (limit 1-1000, result, category, agent_id)",
    query: {
      limit: { type: "integer" },
      result: { type: "string" },
      category: { type: "string" },
      agent_id: { type: "string" },
    },
    async handler(req, reply) {
      const input = {
        // Given, it must be 1 to 1000 (0 would mean the default to the service).
        limit: queryString(req, "limit") === "" ? 0 : queryInt(req, "limit", 0) || -1,
        result: optional(queryString(req, "result")),
        category: optional(queryString(req, "category")),
        agentId: optional(queryString(req, "agent_id")),
      };
      const res = await r.inv.unary(SecurityService.method.listAuditEntries, input, req, reply);
      const f = res.filters;
      return {
        entries: res.entries.map((e) => toDocJson(AuditEntrySchema, e)),
        total: res.total,
        filters: {
          limit: f?.limit ?? 100,
          result: f?.result ?? null,
          category: f?.category ?? null,
          agent_id: f?.agentId ?? null,
        },
      };
    },
  });
  r.get(
    "/security/audit/stats",
    "security",
    "Audit counts by result and category",
    SecurityService.method.getAuditStats,
  );
  registerApprovalRoutes(r);
}

function registerApprovalRoutes(r: SurfaceRoutes): void {
  r.get(
    "/security/audit/verify",
    "security",
    "Check the audit log's hash chain",
    SecurityService.method.verifyAuditChain,
  );
  r.get("/approvals", "security", "Pending approval requests", SecurityService.method.listApprovals);
  r.post(
    "/approvals/pre-approve",
    "security",
    "Pre-approve an operation and resource pattern for a session (ttl_seconds optional)",
    SecurityService.method.preApprove,
  );
  r.post(
    "/approvals/:request_id/approve",
    "security",
    "Approve a pending request: scope once, session or pattern (with pattern)",
    SecurityService.method.approve,
  );
  r.add({
    method: "POST",
    url: "/approvals/:request_id/deny",
    tag: "security",
    summary: "Deny a pending request (the model sees a tool error)",
    response: DenyResponseSchema,
    async handler(req, reply) {
      const { request_id } = req.params as IdParams;
      const input = { requestId: request_id, reason: optionalString(bodyObject(req), "reason") };
      return toDocJson(DenyResponseSchema, await r.inv.unary(SecurityService.method.deny, input, req, reply));
    },
  });
}
