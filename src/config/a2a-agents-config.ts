import { ConfigError } from "./config-error.js";
import { str } from "./config-values.js";
import type { RemoteA2aAgent } from "./floe-config.js";

const KEYS = ["name", "url", "headers", "api_key", "api_key_env"];

/**
 * `a2a_agents`: `[{name, url, headers?, api_key?, api_key_env?}]`. The key
 * (given as is, or read from the named environment variable) is sent as
 * `Authorization: Bearer <key>`, which a Floe peer accepts.
 */
export function parseA2aAgents(value: unknown, source: string, env: NodeJS.ProcessEnv): RemoteA2aAgent[] {
  if (!Array.isArray(value)) throw new ConfigError("a2a_agents", source, "must be a list of {name, url}");
  const seen = new Set<string>();
  return value.map((item, i) => {
    const at = `a2a_agents[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item))
      throw new ConfigError(at, source, "must be a mapping");
    const a = item as Record<string, unknown>;
    for (const k of Object.keys(a))
      if (!KEYS.includes(k)) throw new ConfigError(`${at}.${k}`, source, `unknown key (known: ${KEYS.join(", ")})`);
    const name = a.name === undefined ? "" : str(a.name, source, `${at}.name`);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name))
      throw new ConfigError(`${at}.name`, source, "is required: 1-64 letters, digits, '.', '_' or '-'");
    if (seen.has(name)) throw new ConfigError(`${at}.name`, source, `duplicate name "${name}"`);
    seen.add(name);
    return { name, url: httpUrl(a.url, source, `${at}.url`), headers: headersOf(a, source, at, env) };
  });
}

function httpUrl(v: unknown, source: string, key: string): string {
  const s = v === undefined ? "" : str(v, source, key);
  let u: URL | undefined;
  try {
    u = new URL(s);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== "http:" && u.protocol !== "https:"))
    throw new ConfigError(key, source, `must be an http(s) URL, got ${JSON.stringify(s)}`);
  return s;
}

function headersOf(a: Record<string, unknown>, source: string, at: string, env: NodeJS.ProcessEnv) {
  const headers: Record<string, string> = {};
  if (a.headers !== undefined) {
    if (typeof a.headers !== "object" || a.headers === null || Array.isArray(a.headers))
      throw new ConfigError(`${at}.headers`, source, "must be a mapping of header names to values");
    for (const [k, v] of Object.entries(a.headers)) headers[k.toLowerCase()] = str(v, source, `${at}.headers.${k}`);
  }
  const envName = a.api_key_env === undefined ? "" : str(a.api_key_env, source, `${at}.api_key_env`);
  const key = a.api_key !== undefined ? str(a.api_key, source, `${at}.api_key`) : envName ? env[envName]?.trim() : "";
  if (envName && !key) throw new ConfigError(`${at}.api_key_env`, source, `names ${envName}, which is not set`);
  if (key) headers.authorization = `Bearer ${key}`;
  return headers;
}
