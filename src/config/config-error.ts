/**
 * A configuration problem that stops start-up. The CLI prints `message` as one
 * line and exits with code 2.
 */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    readonly source: string,
    detail: string,
  ) {
    super(`config error: ${key} (${source}): ${detail}`);
    this.name = "ConfigError";
  }
}
