import type { ResumeEntry } from "@ag-ui/core";
import type { FastifyReply, FastifyRequest } from "fastify";
import { SecurityService } from "../../../gen/floe/v1/security_pb.js";
import { invalidField } from "../../services/request-errors.js";
import type { InProcessInvoker } from "../in-process-invoker.js";

/**
 * Answers the approvals a resume names, through SecurityService (so the
 * caller needs the same `admin` scope as on every other surface): a resolved
 * entry with `{"approved": true}` approves (with its `scope` and `pattern`),
 * `{"approved": false}` denies (with its `reason`), and a cancelled entry
 * denies. An unknown or already decided approval fails as the RPC does.
 */
export async function answerInterrupts(
  inv: InProcessInvoker,
  entries: readonly ResumeEntry[],
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  for (const [i, entry] of entries.entries()) {
    const requestId = entry.interruptId;
    if (entry.status === "cancelled") {
      const reason = "the AG-UI client cancelled the interrupt";
      await inv.unary(SecurityService.method.deny, { requestId, reason }, req, reply);
      continue;
    }
    const answer = approvalAnswer(entry.payload, i);
    if (answer.approved) {
      const { scope, pattern } = answer;
      await inv.unary(SecurityService.method.approve, { requestId, scope, pattern }, req, reply);
    } else {
      await inv.unary(SecurityService.method.deny, { requestId, reason: answer.reason }, req, reply);
    }
  }
}

interface ApprovalAnswer {
  approved: boolean;
  scope: string;
  pattern: string;
  reason: string;
}

function approvalAnswer(payload: unknown, i: number): ApprovalAnswer {
  const field = `resume.${i}.payload`;
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw invalidField(field, 'must be an object such as {"approved": true} or {"approved": false, "reason": "…"}');
  }
  const p = payload as Record<string, unknown>;
  if (typeof p.approved !== "boolean") throw invalidField(`${field}.approved`, "is required: true or false");
  const text = (name: string) => {
    const v = p[name];
    if (v !== undefined && typeof v !== "string") throw invalidField(`${field}.${name}`, "must be a string");
    return v ?? "";
  };
  return { approved: p.approved, scope: text("scope"), pattern: text("pattern"), reason: text("reason") };
}
