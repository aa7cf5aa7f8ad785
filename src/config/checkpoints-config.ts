import { ConfigError } from "./config-error.js";
import { bool, positiveInt } from "./config-values.js";
import { type EnvKey, readEnv } from "./env-names.js";
import type { CheckpointSettings } from "./floe-config.js";

const KEYS: Record<keyof CheckpointSettings, { file: string; env: EnvKey }> = {
  enabled: { file: "enabled", env: "checkpointsEnabled" },
  frequency: { file: "frequency", env: "checkpointFrequency" },
  retentionHours: { file: "retention_hours", env: "checkpointRetentionHours" },
  maxAgeDays: { file: "max_age_days", env: "checkpointMaxAgeDays" },
};

/**
 * `checkpoints: {enabled, frequency, retention_hours, max_age_days}` in the
 * file (defaults true, 1, 24, 30); each key can be set by its environment
 * variable too, which wins.
 */
export function parseCheckpoints(value: unknown, env: NodeJS.ProcessEnv, source: string): CheckpointSettings {
  if (value !== undefined && (typeof value !== "object" || value === null || Array.isArray(value)))
    throw new ConfigError(
      "checkpoints",
      source,
      "must be a mapping: {enabled, frequency, retention_hours, max_age_days}",
    );
  const raw = (value ?? {}) as Record<string, unknown>;
  const known = Object.values(KEYS).map((k) => k.file);
  for (const key of Object.keys(raw))
    if (!known.includes(key))
      throw new ConfigError(`checkpoints.${key}`, source, `unknown key (known: ${known.join(", ")})`);
  const read = <T>(k: keyof CheckpointSettings, parse: (v: unknown, s: string, n: string) => T, fallback: T): T => {
    const e = readEnv(env, KEYS[k].env);
    if (e) return parse(e.value, "env", e.name);
    const v = raw[KEYS[k].file];
    return v === undefined ? fallback : parse(v, source, `checkpoints.${KEYS[k].file}`);
  };
  return {
    enabled: read("enabled", bool, true),
    frequency: read("frequency", positiveInt, 1),
    retentionHours: read("retentionHours", positiveInt, 24),
    maxAgeDays: read("maxAgeDays", positiveInt, 30),
  };
}
