import type { KeyScope } from "../domain/api-key.js";

/** Methods that change the server, its agents or its security: `admin`. */
const ADMIN = new Set([
  "floe.v1.AgentService/CreateAgent",
  "floe.v1.AgentService/UpdateAgent",
  "floe.v1.AgentService/DeleteAgent",
  "floe.v1.AgentService/RegisterAgentRole",
  "floe.v1.ModelService/LoadModel",
  "floe.v1.SystemService/SetProjectRoot",
  "floe.v1.SystemService/SetWorkspaceRoot",
  "floe.v1.SystemService/SetExecutionMode",
  "floe.v1.CheckpointService/CleanupCheckpoints",
]);
/** Services that are all `admin`: approvals and the audit log. */
const ADMIN_SERVICES = new Set(["floe.v1.SecurityService"]);
const READ_PREFIXES = ["Get", "List", "Subscribe", "Watch", "Check", "Discover", "ServerReflectionInfo"];

/**
 * The scope a method needs: `admin` for what changes the server (config,
 * agents, models, approvals, the audit log), `read` for what only lists,
 * gets or follows, `chat` for everything that starts or steers work.
 */
export function scopeOf(service: string, method: string): KeyScope {
  if (ADMIN_SERVICES.has(service) || ADMIN.has(`${service}/${method}`)) return "admin";
  return READ_PREFIXES.some((p) => method.startsWith(p)) ? "read" : "chat";
}
