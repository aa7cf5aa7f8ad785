/**
 * What the model providers need from the configuration, passed in by the
 * server's assembly so that agent code never reads the config itself.
 */
export interface ProviderSettings {
  /** Fallback key and base URL for OpenAI-compatible models without their own. */
  openai: { apiKey: string; baseUrl: string };
  /** OpenRouter: key and attribution headers; `baseUrl` also serves model discovery. */
  openrouter: { apiKey: string; siteUrl: string; siteTitle: string; baseUrl: string };
  /** Retries for 429, 5xx and connection errors; the SDK backs off exponentially and honours Retry-After. */
  maxRetries: number;
  /** Per-request timeout in milliseconds. */
  timeoutMs: number;
  /** Longest silence between two chunks of a model stream, in milliseconds. */
  idleTimeoutMs: number;
}
