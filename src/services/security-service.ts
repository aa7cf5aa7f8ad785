import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import { AuditEntrySchema, type SecurityService } from "../../gen/floe/v1/security_pb.js";
import type { AuditEntriesTable } from "../store/schema.js";
import type { AppContext } from "./app-context.js";
import { pendingApproval } from "./run-view.js";
import { invalidValue } from "./request-errors.js";
import { requireField } from "./require.js";

const RESULTS = ["allow", "ask", "deny"];
const CATEGORIES = ["filesystem", "process", "network", "git", "memory", "agent", "mcp"];

/** The audit log, its stats and chain check, and the approval requests. */
export function securityService(app: AppContext): ServiceImpl<typeof SecurityService> {
  return {
    async listAuditEntries(req) {
      const limit = req.limit === 0 ? 100 : req.limit;
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw invalidValue("limit", `must be from 1 to 1000, got ${req.limit}`);
      if (req.result !== undefined && !RESULTS.includes(req.result))
        throw invalidValue("result", `must be allow, ask or deny, got ${JSON.stringify(req.result)}`);
      if (req.category !== undefined && !CATEGORIES.includes(req.category))
        throw invalidValue("category", `must be one of ${CATEGORIES.join(", ")}, got ${JSON.stringify(req.category)}`);
      const { rows, total } = await app.audit.query({
        limit,
        result: req.result,
        category: req.category,
        agentId: req.agentId,
      });
      return {
        entries: rows.map(auditEntry),
        total,
        filters: { limit, result: req.result, category: req.category, agentId: req.agentId },
      };
    },
    async getAuditStats() {
      const s = await app.audit.stats();
      return { total: s.total, byResult: s.byResult, byCategory: s.byCategory };
    },
    async verifyAuditChain() {
      return app.audit.verify();
    },
    async listApprovals() {
      return { pending: (await app.approvals.pending()).map(pendingApproval) };
    },
    async approve(req) {
      const id = requireField(req.requestId, "request_id");
      refuseSelfApproval(app);
      const scope = await app.approvals.approve(id, req.scope, req.pattern);
      return { status: "approved", requestId: id, scope };
    },
    async deny(req) {
      const id = requireField(req.requestId, "request_id");
      await app.approvals.deny(id, req.reason);
      return { status: "denied", requestId: id };
    },
    async preApprove(req) {
      refuseSelfApproval(app);
      const sessionId = requireField(req.sessionId, "session_id", "the session (conversation) the pre-approval is for");
      const operation = requireField(req.operation, "operation", "for example filesystem.delete");
      const pattern = requireField(req.pattern, "pattern", "a glob over resources, for example ./build/*");
      if (req.ttlSeconds < 0) throw new ConnectError("ttl_seconds must not be negative", Code.InvalidArgument);
      app.approvals.preApprove(operation, pattern, sessionId, req.ttlSeconds);
      return { status: "pre-approved", operation, pattern };
    },
  };
}

/**
 * Without API keys, anyone who reaches the server may answer approvals; when
 * shell commands can reach it too, the agent could approve its own request.
 */
function refuseSelfApproval(app: AppContext): void {
  if (app.config.apiKeys.length > 0 || !app.commandsReachServer) return;
  throw new ConnectError(
    "approvals need an API key here: shell commands can reach this server (no sandbox, or one with the network), so a command could approve itself; set FLOE_API_KEYS",
    Code.FailedPrecondition,
  );
}

function auditEntry(r: AuditEntriesTable) {
  return create(AuditEntrySchema, {
    id: r.id,
    timestamp: r.timestamp,
    operation: r.operation,
    resource: r.resource,
    result: r.result,
    reason: r.reason,
    policy: r.policy,
    agentId: r.agent_id,
    toolName: r.tool_name,
    sessionId: r.session_id,
    keyName: r.key_name,
    category: r.category,
    prevHash: r.prev_hash,
    hash: r.hash,
  });
}
