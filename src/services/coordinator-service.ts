import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  type CoordinationStep,
  CoordinationStepSchema,
  type CoordinatorService,
} from "../../gen/floe/v1/coordinator_pb.js";
import type { AppContext } from "./app-context.js";
import { type AgentWork, COORDINATOR } from "./agent-work.js";
import { invalidField } from "./request-errors.js";
import { requireField } from "./require.js";
import { RoleRoster } from "./role-roster.js";

/**
 * Role-based coordination. Every prompt is a bus message from `coordinator`
 * that wakes an agent (a run through the one engine); progress goes on the
 * event feed as `status` messages to the human.
 */
export function coordinatorService(app: AppContext): ServiceImpl<typeof CoordinatorService> {
  const roster = new RoleRoster(app.agents);
  const fanOut = async (roles: string[], content: string, messageType: string) => {
    const targets = new Map<string, string>();
    for (const role of roles) for (const a of roster.ready(role)) if (!targets.has(a.id)) targets.set(a.id, role);
    const steps: CoordinationStep[] = [];
    for (const [agentId, role] of targets) {
      const { run } = await app.work.route(
        { sender: COORDINATOR, recipient: agentId, content, messageType, channel: role },
        "coordinator",
      );
      steps.push(
        create(CoordinationStepSchema, { role, agentId, prompt: content, runId: run?.id ?? "", status: "sent" }),
      );
    }
    return { status: "sent", steps };
  };
  return {
    sendToRole(req) {
      const role = requireField(req.role, "role");
      return fanOut([role], requireField(req.content, "content"), req.messageType);
    },
    broadcast(req) {
      const roles = req.roles.map((r) => r.trim()).filter(Boolean);
      if (roles.length === 0) throw invalidField("roles", "is required: one or more roles");
      return fanOut(roles, requireField(req.content, "content"), req.messageType);
    },
    async roundRobinWorkflow(req, ctx) {
      const role = requireField(req.role, "role");
      const prompts = req.prompts.filter((p) => p.trim());
      if (prompts.length === 0) throw invalidField("prompts", "is required: one or more prompts");
      roster.ready(role);
      const steps: CoordinationStep[] = [];
      for (const [i, prompt] of prompts.entries()) {
        if (ctx.signal.aborted) break;
        const step = await runStep(app.work, role, roster.next(role).id, prompt, ctx.signal);
        steps.push(step);
        await progress(
          app.work,
          `round-robin ${role}: prompt ${i + 1}/${prompts.length} ${step.status} by ${step.agentId}`,
          role,
        );
      }
      return { status: steps.every((s) => s.status === "completed") ? "completed" : "error", steps };
    },
    async roleChain(req, ctx) {
      const roles = req.roles.map((r) => r.trim()).filter(Boolean);
      if (roles.length === 0) throw invalidField("roles", "is required: the roles in order");
      let input = requireField(req.content, "content");
      for (const role of roles) roster.ready(role);
      const steps: CoordinationStep[] = [];
      for (const [i, role] of roles.entries()) {
        if (ctx.signal.aborted) break;
        const step = await runStep(app.work, role, roster.next(role).id, input, ctx.signal);
        steps.push(step);
        await progress(
          app.work,
          `role chain: step ${i + 1}/${roles.length} (${role}) ${step.status} by ${step.agentId}`,
          role,
        );
        if (step.status !== "completed") return { status: "error", steps, finalResponse: "" };
        input = step.response;
      }
      return { status: "completed", steps, finalResponse: input };
    },
  };
}

/** One prompt to one agent, waiting for its answer; a caller that goes away cancels the run. */
async function runStep(
  work: AgentWork,
  role: string,
  agentId: string,
  prompt: string,
  signal: AbortSignal,
): Promise<CoordinationStep> {
  const { run } = await work.route(
    { sender: COORDINATOR, recipient: agentId, content: prompt, messageType: "message", channel: role },
    "coordinator",
  );
  const onAbort = () => void work.cancel(run!.id);
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  const r = await run!.done;
  signal.removeEventListener("abort", onAbort);
  const ok = r.status === "completed" || r.status === "max_iterations";
  return create(CoordinationStepSchema, {
    role,
    agentId,
    prompt,
    response: ok ? r.response : (r.error?.message ?? r.status),
    runId: run!.id,
    status: ok ? "completed" : "error",
  });
}

function progress(work: AgentWork, content: string, channel: string): Promise<unknown> {
  return work.route({ sender: COORDINATOR, recipient: "human", content, messageType: "status", channel });
}
