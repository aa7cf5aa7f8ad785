/** Who may reach Floe and what a run may do: guards, hooks and the permission gate. */
export { authInterceptor, hostGuardHook } from "./guard-hooks.js";
export { isLoopbackHost } from "./loopback.js";
export {
  allowAllGate,
  type PermissionDecision,
  type PermissionGate,
  type PermissionRequest,
} from "./permission-gate.js";
export { type GuardSettings, RequestGuards } from "./request-guards.js";
