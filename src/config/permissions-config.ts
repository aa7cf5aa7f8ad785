import {
  PERMISSION_MODES,
  type PermissionMode,
  type PermissionRule,
  type PermissionSettings,
} from "../domain/permissions.js";
import { ConfigError } from "./config-error.js";
import { str } from "./config-values.js";

type Raw = Record<string, unknown>;

export function permissionMode(v: unknown, source: string, key: string): PermissionMode {
  const s = str(v, source, key);
  if ((PERMISSION_MODES as readonly string[]).includes(s)) return s as PermissionMode;
  throw new ConfigError(key, source, `must be read-only, workspace or full, got ${JSON.stringify(v)}`);
}

/**
 * `permissions` in floe.yaml: `{agents: {<id>: <mode>}, rules: [{agent?,
 * operation, pattern?, result, reason?}]}`; the mode itself is
 * `permission_mode`.
 */
export function parsePermissions(value: unknown, mode: PermissionMode, source: string): PermissionSettings {
  if (value === undefined) return { mode, agentModes: {}, rules: [] };
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ConfigError("permissions", source, "must be a mapping with agents and rules");
  const v = value as Raw;
  const agentModes: Record<string, PermissionMode> = {};
  for (const [id, m] of Object.entries((v.agents ?? {}) as Raw))
    agentModes[id] = permissionMode(m, source, `permissions.agents.${id}`);
  const rawRules = v.rules ?? [];
  if (!Array.isArray(rawRules)) throw new ConfigError("permissions.rules", source, "must be a list");
  const rules = rawRules.map((r: unknown, i): PermissionRule => {
    const at = `permissions.rules[${i}]`;
    if (typeof r !== "object" || r === null) throw new ConfigError(at, source, "must be a mapping");
    const x = r as Raw;
    const result = str(x.result ?? "", source, `${at}.result`);
    if (!["allow", "ask", "deny"].includes(result))
      throw new ConfigError(`${at}.result`, source, "must be allow, ask or deny");
    const operation = str(x.operation ?? "", source, `${at}.operation`);
    if (!operation)
      throw new ConfigError(`${at}.operation`, source, "is required, for example process.execute or git.*");
    return {
      agent: x.agent === undefined ? "" : str(x.agent, source, `${at}.agent`),
      operation,
      pattern: x.pattern === undefined ? "" : str(x.pattern, source, `${at}.pattern`),
      result: result as PermissionRule["result"],
      reason: x.reason === undefined ? "" : str(x.reason, source, `${at}.reason`),
    };
  });
  return { mode, agentModes, rules };
}
