/** Who may reach Floe and what a run may do: guards, hooks and the permission gate. */
export {
  authInterceptor,
  corsOptions,
  requestGuardHook,
  kCallerHasKey,
  kCallerKey,
  selectSubprotocol,
  webSocketGuardHook,
} from "./guard-hooks.js";
export { isLoopbackHost } from "./loopback.js";
export {
  allowAllGate,
  type PermissionDecision,
  type PermissionGate,
  type PermissionRequest,
} from "./permission-gate.js";
export {
  type CorsDecision,
  FLOE_SUBPROTOCOL,
  type GuardSettings,
  KEY_SUBPROTOCOL_PREFIX,
  RequestGuards,
  unauthenticated,
  WWW_AUTHENTICATE,
} from "./request-guards.js";
export { Approvals } from "./approvals.js";
export { AuditLog } from "./audit-log.js";
export { FloeGate } from "./floe-gate.js";
export { PermissionEngine } from "./permission-engine.js";
