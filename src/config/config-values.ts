import { isAbsolute } from "node:path";
import { isSecretName } from "../domain/secret-names.js";
import { ConfigError } from "./config-error.js";
import type { ExecutionMode, SandboxMode } from "./floe-config.js";

/** Readers of one setting's value, from a flag, the environment or the file. Each names the key and source on error. */

export function nonNegativeInt(v: unknown, source: string, key: string): number {
  const n = typeof v === "number" ? v : Number(String(v).trim());
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(key, source, `must be a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

export function str(v: unknown, source: string, key: string): string {
  if (typeof v === "string") return v.trim();
  if (typeof v === "number") return String(v);
  throw new ConfigError(key, source, `must be a string, got ${JSON.stringify(v)}`);
}

export function port(v: unknown, source: string, key: string): number {
  const n = typeof v === "number" ? v : Number(String(v).trim());
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new ConfigError(key, source, `must be a port number 0-65535, got ${JSON.stringify(v)}`);
  return n;
}

export function positiveInt(v: unknown, source: string, key: string): number {
  const n = typeof v === "number" ? v : Number(String(v).trim());
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError(key, source, `must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

export function temperature(v: unknown, source: string, key: string): number {
  const n = typeof v === "number" ? v : Number(String(v).trim());
  if (!Number.isFinite(n) || n < 0 || n > 2)
    throw new ConfigError(key, source, `must be a number from 0 to 2, got ${JSON.stringify(v)}`);
  return n;
}

export function bool(v: unknown, source: string, key: string): boolean {
  if (typeof v === "boolean") return v;
  const s = String(v).trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(s)) return true;
  if (["0", "false", "no", "off"].includes(s)) return false;
  throw new ConfigError(key, source, `must be true or false, got ${JSON.stringify(v)}`);
}

export function list(v: unknown, source: string, key: string): string[] {
  if (Array.isArray(v)) return v.map((x, i) => str(x, source, `${key}[${i}]`)).filter(Boolean);
  return str(v, source, key)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

export function mode(v: unknown, source: string, key: string): ExecutionMode {
  const s = str(v, source, key);
  if (s === "project" || s === "workspace") return s;
  throw new ConfigError(key, source, `must be "project" or "workspace", got ${JSON.stringify(v)}`);
}

export function dbUrl(v: unknown, source: string, key: string): string {
  const s = str(v, source, key);
  if (s === "" || /^postgres(ql)?:\/\//.test(s) || /^sqlite:/.test(s) || isAbsolute(s)) return s;
  throw new ConfigError(
    key,
    source,
    `must be a postgres:// URL, a sqlite: URL or an absolute path, got ${JSON.stringify(v)}`,
  );
}

/**
 * Names of environment variables a shell command may see, besides the
 * defaults. A name that looks like a secret is refused: commands never see
 * keys or tokens.
 */
export function envNames(v: unknown, source: string, key: string): string[] {
  const names = list(v, source, key);
  for (const n of names) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(n))
      throw new ConfigError(key, source, `${JSON.stringify(n)} is not a variable name`);
    if (isSecretName(n)) {
      throw new ConfigError(key, source, `${n} looks like a secret; commands never see secrets (rename it or drop it)`);
    }
  }
  return names;
}

export function sandboxMode(v: unknown, source: string, key: string): SandboxMode {
  const s = str(v, source, key);
  if (s === "auto" || s === "required" || s === "off") return s;
  throw new ConfigError(key, source, `must be auto, required or off, got ${JSON.stringify(v)}`);
}
