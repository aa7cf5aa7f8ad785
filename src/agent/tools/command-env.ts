import { isSecretName, isSecretValue } from "../../domain/secret-names.js";

/** What every command sees, when the server has them. */
const BASE_NAMES = ["PATH", "HOME", "LANG", "TERM"];

/**
 * A shell command's environment: PATH, HOME, LANG, TERM and the names the
 * user added (`command_env`), taken from the server's environment. Nothing
 * else passes, nothing named like a secret, and no URL carrying a password,
 * so a command cannot print Floe's keys or the model's from its environment.
 */
export function commandEnvironment(source: NodeJS.ProcessEnv, extra: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_NAMES, ...extra]) {
    const value = source[name];
    if (value !== undefined && !isSecretName(name) && !isSecretValue(value)) env[name] = value;
  }
  return env;
}
