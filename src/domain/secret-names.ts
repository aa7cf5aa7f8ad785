/** Variable names that usually hold secrets: keys, tokens, passwords, credentials. */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|PRIVATE|COOKIE|SESSION|(^|_)PAT($|_)|(^|_)DSN($|_)/i;

/** A URL with a user and password in it (`postgres://user:pass@host/db`). */
const URL_WITH_CREDENTIALS = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]*@/i;

/**
 * True for an environment variable a shell command must never see: Floe's
 * own settings (`FLOE_*`, `PENGUIN_*`) and anything named like a secret.
 */
export function isSecretName(name: string): boolean {
  return /^(FLOE|PENGUIN)_/i.test(name) || SECRET_NAME.test(name);
}

/** True for a value that carries credentials whatever its name: a URL with a user and password. */
export function isSecretValue(value: string): boolean {
  return URL_WITH_CREDENTIALS.test(value);
}
