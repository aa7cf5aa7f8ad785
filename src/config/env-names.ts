/**
 * Each setting's environment variables, Floe's own first. The other names are
 * the ones the Penguin and Pawan reference documents use, accepted as written
 * there so that Floe is a drop-in replacement.
 */
export const ENV_NAMES = {
  host: ["FLOE_HOST", "HOST"],
  port: ["FLOE_PORT", "PORT"],
  debug: ["FLOE_DEBUG", "DEBUG"],
  corsOrigins: ["FLOE_CORS_ORIGINS", "PENGUIN_CORS_ORIGINS"],
  projectRoot: ["FLOE_PROJECT_ROOT", "PENGUIN_PROJECT_ROOT"],
  workspace: ["FLOE_WORKSPACE", "PENGUIN_WORKSPACE"],
  executionMode: ["FLOE_EXECUTION_MODE", "PENGUIN_WRITE_ROOT"],
  databaseUrl: ["FLOE_DATABASE_URL"],
  apiKeys: ["FLOE_API_KEYS", "PENGUIN_API_KEYS"],
  allowPublicWithoutKeys: ["FLOE_ALLOW_PUBLIC_WITHOUT_KEYS"],
  defaultModel: ["FLOE_DEFAULT_MODEL"],
  agentId: ["FLOE_AGENT_ID"],
  aegisNetFile: ["FLOE_AEGIS_NET_FILE"],
  maxBodyBytes: ["FLOE_MAX_BODY_BYTES"],
  maxUploadBytes: ["FLOE_MAX_UPLOAD_BYTES"],
  heartbeatMs: ["FLOE_HEARTBEAT_MS"],
  leaseMs: ["FLOE_LEASE_MS"],
  drainGraceMs: ["FLOE_DRAIN_GRACE_MS"],
  feedSubscriberBuffer: ["FLOE_FEED_SUBSCRIBER_BUFFER"],
  eventRetention: ["FLOE_EVENT_RETENTION"],
  modelMaxRetries: ["FLOE_MODEL_MAX_RETRIES"],
  modelTimeoutMs: ["FLOE_MODEL_TIMEOUT_MS"],
  modelDiscoveryTtlSeconds: ["FLOE_MODEL_DISCOVERY_TTL_SECONDS"],
  modelIdleTimeoutMs: ["FLOE_MODEL_IDLE_TIMEOUT_MS"],
  commandEnv: ["FLOE_COMMAND_ENV"],
  sandbox: ["FLOE_SANDBOX"],
  sandboxNetwork: ["FLOE_SANDBOX_NETWORK"],
  bwrapPath: ["FLOE_BWRAP_PATH"],
  permissionMode: ["FLOE_PERMISSION_MODE"],
  approvalTimeoutMs: ["FLOE_APPROVAL_TIMEOUT_MS"],
  checkpointsEnabled: ["FLOE_CHECKPOINTS_ENABLED"],
  checkpointFrequency: ["FLOE_CHECKPOINT_FREQUENCY"],
  checkpointRetentionHours: ["FLOE_CHECKPOINT_RETENTION_HOURS"],
  checkpointMaxAgeDays: ["FLOE_CHECKPOINT_MAX_AGE_DAYS"],
  headersTimeoutMs: ["FLOE_HEADERS_TIMEOUT_MS"],
  requestTimeoutMs: ["FLOE_REQUEST_TIMEOUT_MS"],
  keepAliveTimeoutMs: ["FLOE_KEEP_ALIVE_TIMEOUT_MS"],
  idleTimeoutMs: ["FLOE_IDLE_TIMEOUT_MS"],
  openaiApiKey: ["FLOE_OPENAI_API_KEY", "OPENAI_API_KEY"],
  openaiBaseUrl: ["FLOE_OPENAI_BASE_URL", "OPENAI_BASE_URL"],
  openrouterApiKey: ["FLOE_OPENROUTER_API_KEY", "OPENROUTER_API_KEY"],
  openrouterSiteUrl: ["FLOE_OPENROUTER_SITE_URL", "OPENROUTER_SITE_URL"],
  openrouterSiteTitle: ["FLOE_OPENROUTER_SITE_TITLE", "OPENROUTER_SITE_TITLE"],
  openrouterBaseUrl: ["FLOE_OPENROUTER_BASE_URL"],
  githubWebhookSecret: ["FLOE_GITHUB_WEBHOOK_SECRET", "GITHUB_WEBHOOK_SECRET"],
  githubAppId: ["FLOE_GITHUB_APP_ID", "GITHUB_APP_ID"],
  githubAppPrivateKeyPath: ["FLOE_GITHUB_APP_PRIVATE_KEY_PATH", "GITHUB_APP_PRIVATE_KEY_PATH"],
} as const satisfies Record<string, readonly string[]>;

export type EnvKey = keyof typeof ENV_NAMES;

/** The first variable of `key` that is set and non-empty, with its name. */
export function readEnv(env: NodeJS.ProcessEnv, key: EnvKey): { name: string; value: string } | undefined {
  for (const name of ENV_NAMES[key]) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") return { name, value: value.trim() };
  }
  return undefined;
}
