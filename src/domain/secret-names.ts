/** Variable names that usually hold secrets: keys, tokens, passwords, credentials. */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|PRIVATE|COOKIE|SESSION/i;

/**
 * True for an environment variable a shell command must never see: Floe's
 * own settings (`FLOE_*`, `PENGUIN_*`) and anything named like a secret.
 */
export function isSecretName(name: string): boolean {
  return /^(FLOE|PENGUIN)_/i.test(name) || SECRET_NAME.test(name);
}
