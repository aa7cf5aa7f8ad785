import { randomUUID } from "node:crypto";
import { ConnectError } from "@connectrpc/connect";
import type { PermissionDecision, PermissionGate, PermissionRequest } from "../security/permission-gate.js";
import type { ToolCallRequest } from "./model-provider.js";
import type { RunEventWriter } from "./run-event-writer.js";
import type { RunSeams } from "./run-plan.js";
import type { FileChangeRecorder } from "./tools/file-changes.js";
import type { Sandbox } from "./tools/sandbox.js";
import type { AgentOps, Tool } from "./tools/tool.js";
import { ToolError } from "./tools/tool-error.js";

export type ToolStatus = "completed" | "error" | "denied";

/** What one tool call needs besides the call itself. */
export interface ToolCallScope {
  tools: ReadonlyMap<string, Tool>;
  root: string;
  /** The environment commands run with. */
  env: Readonly<Record<string, string>>;
  sandbox: Sandbox;
  gate: PermissionGate;
  seams: RunSeams;
  events: RunEventWriter;
  who: Omit<PermissionRequest, "toolName" | "operation" | "resource" | "root">;
  signal: AbortSignal;
  /** The run's delegation path (its own agent last). */
  agentPath: string[];
  messageHops: number;
  agents?: AgentOps;
  files?: FileChangeRecorder;
}

/**
 * Runs one tool call: parses its arguments, asks the permission gate (and,
 * when the gate asks, the run's approval seam), then runs the tool. Every
 * failure becomes a result the model reads; nothing here throws but a cancel.
 */
export async function callTool(
  call: ToolCallRequest,
  s: ToolCallScope,
): Promise<{ status: ToolStatus; result: string }> {
  const tool = s.tools.get(call.name);
  if (!tool) {
    return {
      status: "error",
      result: `unknown tool ${JSON.stringify(call.name)}; available: ${[...s.tools.keys()].join(", ")}`,
    };
  }
  let args: Record<string, unknown>;
  try {
    const parsed: unknown = call.arguments.trim() ? JSON.parse(call.arguments) : {};
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new Error("arguments must be a JSON object");
    }
    args = parsed as Record<string, unknown>;
  } catch (e) {
    return { status: "error", result: `invalid arguments for ${call.name}: ${(e as Error).message}` };
  }
  const request = {
    ...s.who,
    root: s.root,
    toolName: call.name,
    operation: tool.operationOf?.(args) ?? tool.operation,
    resource: tool.resource(args),
  };
  const decision = await decide(request, s);
  if (decision.result !== "allow") return { status: "denied", result: `permission denied: ${decision.reason}` };
  try {
    const caller = { ...s.who, agentPath: s.agentPath, messageHops: s.messageHops };
    // An allowed network operation (approved, granted or by a rule), or full mode, opens the sandbox's network.
    const network =
      request.operation.startsWith("network.") || (decision.result === "allow" && decision.network === true);
    const { root, signal, env, sandbox, agents, files } = s;
    const progress = (message: string) => s.events.emit({ case: "progress", value: { message } });
    const ctx = { root, signal, env, sandbox, caller, agents, network, files, progress };
    return { status: "completed", result: await tool.run(args, ctx) };
  } catch (e) {
    if (e instanceof ToolError || e instanceof TypeError) return { status: "error", result: e.message };
    if (e instanceof ConnectError) return { status: "error", result: `${call.name} failed: ${e.rawMessage}` };
    const err = e as NodeJS.ErrnoException;
    return { status: "error", result: `${call.name} failed: ${err.code ? `${err.code}: ` : ""}${err.message}` };
  }
}

/** The gate's answer; an `ask` waits on the approval seam, with its events on either side. */
async function decide(request: PermissionRequest, s: ToolCallScope): Promise<PermissionDecision> {
  const decision = await s.gate.decide(request, s.signal);
  if (decision.result !== "ask") return decision;
  const hook = s.seams.awaitDecision;
  if (!hook)
    return { result: "deny", reason: `${decision.reason} (needs a human decision, and this run has no approver)` };
  const approvalId = `apr_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const { toolName, operation, resource } = request;
  const expiresAt = decision.expiresAt ?? "";
  let announced = false;
  const announce = () => {
    if (announced) return;
    announced = true;
    s.events.emit({
      case: "approvalRequired",
      value: { requestId: approvalId, toolName, operation, resource, reason: decision.reason, expiresAt },
    });
  };
  // A cancel must not wait for a human who may never answer.
  const answer = await untilAborted(
    hook({ ...request, approvalId, reason: decision.reason, expiresAt }, s.signal, announce),
    s.signal,
  ).then((a) => {
    // A hook that never said it stored the request: the event still comes before its resolution.
    announce();
    return a;
  });
  const status =
    answer.result === "allow" ? "approved" : answer.result === "deny" && answer.expired ? "expired" : "denied";
  const scope = answer.result === "allow" ? (answer.scope ?? "once") : "";
  s.events.emit({ case: "approvalResolved", value: { requestId: approvalId, status, scope } });
  return answer.result === "ask" ? { result: "deny", reason: answer.reason } : answer;
}

/** The promise's value, or the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
