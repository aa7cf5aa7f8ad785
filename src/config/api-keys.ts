import { type ApiKey, KEY_SCOPES, type KeyScope } from "../domain/api-key.js";
import { ConfigError } from "./config-error.js";
import { list, str } from "./config-values.js";

/**
 * `api_keys`: each entry a key (every scope, named `key-1`, `key-2`, ...) or,
 * in floe.yaml, a mapping `{name, key, scopes}`. The environment
 * (FLOE_API_KEYS, PENGUIN_API_KEYS) lists plain keys, comma-separated.
 */
export function parseApiKeys(value: unknown, source: string): ApiKey[] {
  const entries = Array.isArray(value) ? value : list(value, source, "api_keys");
  const keys = entries.map((e, i): ApiKey => {
    const at = `api_keys[${i}]`;
    if (typeof e !== "object" || e === null)
      return { name: `key-${i + 1}`, key: str(e, source, at), scopes: KEY_SCOPES };
    const m = e as Record<string, unknown>;
    for (const k of Object.keys(m))
      if (!["name", "key", "scopes"].includes(k))
        throw new ConfigError(`${at}.${k}`, source, "unknown key (known: name, key, scopes)");
    const key = m.key === undefined ? "" : str(m.key, source, `${at}.key`);
    if (!key) throw new ConfigError(`${at}.key`, source, "is required");
    const name = m.name === undefined ? `key-${i + 1}` : str(m.name, source, `${at}.name`);
    const scopes = m.scopes === undefined ? [...KEY_SCOPES] : list(m.scopes, source, `${at}.scopes`);
    const bad = scopes.filter((s) => !(KEY_SCOPES as readonly string[]).includes(s));
    if (bad.length)
      throw new ConfigError(
        `${at}.scopes`,
        source,
        `unknown scope(s) ${bad.join(", ")} (known: ${KEY_SCOPES.join(", ")})`,
      );
    return { name, key, scopes: scopes as KeyScope[] };
  });
  const names = keys.map((k) => k.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new ConfigError("api_keys", source, `two keys are named ${JSON.stringify(dup)}`);
  return keys.filter((k) => k.key !== "");
}
