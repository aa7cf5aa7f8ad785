import { isSecretName } from "../../domain/secret-names.js";

/** What every command sees, when the server has them. */
const BASE_NAMES = ["PATH", "HOME", "LANG", "TERM"];

/**
 * A shell command's environment: PATH, HOME, LANG, TERM and the names the
 * user added (`command_env`), taken from the server's environment. Nothing
 * else passes, and nothing named like a secret ever does, so a command cannot
 * print Floe's keys or the model's.
 */
export function commandEnvironment(source: NodeJS.ProcessEnv, extra: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_NAMES, ...extra]) {
    const value = source[name];
    if (value !== undefined && !isSecretName(name)) env[name] = value;
  }
  return env;
}
