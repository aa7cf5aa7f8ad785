import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { create } from "@bufbuild/protobuf";
import { parse as parseYaml } from "yaml";
import { type ModelConfig, ModelConfigSchema } from "../../gen/floe/v1/common_pb.js";
import { parseA2aAgents } from "./a2a-agents-config.js";
import { parseAgents } from "./agents-config.js";
import { parseApiKeys } from "./api-keys.js";
import { parseCheckpoints } from "./checkpoints-config.js";
import { parseMcpSettings } from "./mcp-config.js";
import { DEFAULT_GITHUB_RULES, parseGitHubRules } from "./github-rules.js";
import { parsePermissions, permissionMode } from "./permissions-config.js";
import { ConfigError } from "./config-error.js";
import { type EnvKey, readEnv } from "./env-names.js";
import {
  bool,
  dbUrl,
  envNames,
  list,
  mode,
  nonNegativeInt,
  port,
  positiveInt,
  sandboxMode,
  str,
  temperature,
} from "./config-values.js";
import type { ConfigFlags, FloeConfig } from "./floe-config.js";
import { envModel, offlineModel } from "./model-defaults.js";
import { readPawanConfig, workspaceConfigFile } from "./pawan-config.js";

export const CONFIG_FILE_NAME = "floe.yaml";

const FILE_KEYS = new Set([
  "host",
  "port",
  "workspace",
  "project_root",
  "execution_mode",
  "database_url",
  "debug",
  "cors_origins",
  "api_keys",
  "allow_public_without_keys",
  "default_model",
  "models",
  "github_rules",
  "permissions",
  "permission_mode",
  "approval_timeout_ms",
  "agent_id",
  "aegis_net_file",
  "max_body_bytes",
  "heartbeat_ms",
  "max_upload_bytes",
  "feed_subscriber_buffer",
  "event_retention",
  "model_max_retries",
  "model_timeout_ms",
  "model_idle_timeout_ms",
  "model_discovery_ttl_seconds",
  "command_env",
  "sandbox",
  "sandbox_network",
  "bwrap_path",
  "headers_timeout_ms",
  "request_timeout_ms",
  "keep_alive_timeout_ms",
  "idle_timeout_ms",
  "agents",
  "checkpoints",
  "mcp_servers",
  "mcp_timeout_ms",
  "mcp_restart_backoff_ms",
  "a2a_agents",
]);
const MODEL_KEYS = new Set([
  "id",
  "name",
  "provider",
  "base_url",
  "api_key_env",
  "vision_enabled",
  "max_output_tokens",
  "context_window",
  "temperature",
  "reasoning_enabled",
]);

type Raw = Record<string, unknown>;

/** Reads one setting: its flag, else its environment variable, else the file, else the fallback. */
type Picker = <T>(
  key: EnvKey,
  fileKey: string,
  parseValue: (v: unknown, source: string, name: string) => T,
  fallback: T,
  flag?: unknown,
) => T;

/** One reader per setting: flag, else env, else file, else default. */
function picker(env: NodeJS.ProcessEnv, file: Raw, src: string): Picker {
  return (key, fileKey, parseValue, fallback, flag) => {
    if (flag !== undefined) return parseValue(flag, "flag", `--${fileKey}`);
    const e = readEnv(env, key);
    if (e) return parseValue(e.value, "env", e.name);
    if (file[fileKey] !== undefined) return parseValue(file[fileKey], src, fileKey);
    return fallback;
  };
}

/** The limits: how long the model may stall, what commands see, how long connections may take. */
function limits(
  pick: Picker,
  modelTimeoutMs: number,
): Pick<
  FloeConfig,
  | "modelIdleTimeoutMs"
  | "commandEnv"
  | "timeouts"
  | "sandbox"
  | "sandboxNetwork"
  | "bwrapPath"
  | "leaseMs"
  | "drainGraceMs"
> {
  return {
    leaseMs: pick("leaseMs", "lease_ms", positiveInt, 15_000),
    drainGraceMs: pick("drainGraceMs", "drain_grace_ms", nonNegativeInt, 10_000),
    modelIdleTimeoutMs: pick("modelIdleTimeoutMs", "model_idle_timeout_ms", positiveInt, modelTimeoutMs),
    commandEnv: pick("commandEnv", "command_env", envNames, []),
    sandbox: pick("sandbox", "sandbox", sandboxMode, "auto"),
    sandboxNetwork: pick("sandboxNetwork", "sandbox_network", bool, false),
    bwrapPath: pick("bwrapPath", "bwrap_path", str, "bwrap"),
    timeouts: {
      headersMs: pick("headersTimeoutMs", "headers_timeout_ms", positiveInt, 20_000),
      requestMs: pick("requestTimeoutMs", "request_timeout_ms", positiveInt, 120_000),
      keepAliveMs: pick("keepAliveTimeoutMs", "keep_alive_timeout_ms", positiveInt, 5_000),
      idleMs: pick("idleTimeoutMs", "idle_timeout_ms", positiveInt, 120_000),
    },
  };
}

/** The workspace, and the config file read from it (or named by `--config`), which may not exist. */
export function configLocation(flags: ConfigFlags, env: NodeJS.ProcessEnv): { workspace: string; configFile: string } {
  const envWorkspace = readEnv(env, "workspace")?.value;
  const workspace = resolve(flags.workspace ?? envWorkspace ?? join(homedir(), "floe_workspace"));
  const configFile = flags.config ? resolve(flags.config) : workspaceConfigFile(workspace, CONFIG_FILE_NAME);
  return { workspace, configFile };
}

/**
 * Resolves the configuration. Precedence: flags beat env, env beats the file,
 * the file beats the defaults. Throws ConfigError naming the key and source.
 */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): FloeConfig {
  const { workspace, configFile } = configLocation(flags, env);
  if (flags.config && !existsSync(configFile)) {
    throw new ConfigError("--config", configFile, "file does not exist");
  }
  const file = existsSync(configFile) ? readConfigFile(configFile, env) : {};
  const src = existsSync(configFile) ? configFile : "defaults";

  const pick = picker(env, file, src);

  const projectRoot = resolve(workspace, pick("projectRoot", "project_root", str, process.cwd()));
  const models = file.models === undefined ? [] : parseModels(file.models, src);
  const openaiBaseUrl = pick("openaiBaseUrl", "__none", str, "");
  const openaiApiKey = pick("openaiApiKey", "__none", str, "");
  if (models.length === 0) {
    models.push(
      openaiApiKey || openaiBaseUrl ? envModel(env.FLOE_MODEL?.trim() || "gpt-4o-mini", openaiBaseUrl) : offlineModel(),
    );
  }
  const modelTimeoutMs = pick("modelTimeoutMs", "model_timeout_ms", positiveInt, 600_000);
  const defaultModel = pick("defaultModel", "default_model", str, models[0]!.id);
  if (!models.some((m) => m.id === defaultModel)) {
    throw new ConfigError(
      "default_model",
      src,
      `"${defaultModel}" is not the id of a configured model (have: ${models.map((m) => m.id).join(", ")})`,
    );
  }

  return {
    host: pick("host", "host", str, "127.0.0.1", flags.host),
    port: pick("port", "port", port, 8000, flags.port),
    workspace,
    projectRoot,
    executionMode: pick("executionMode", "execution_mode", mode, "project"),
    databaseUrl: pick("databaseUrl", "database_url", dbUrl, ""),
    // Pawan documents RUST_LOG=debug for verbose logs.
    debug: pick("debug", "debug", bool, /\b(debug|trace)\b/i.test(env.RUST_LOG ?? "")),
    corsOrigins: pick("corsOrigins", "cors_origins", list, []),
    apiKeys: pick("apiKeys", "api_keys", parseApiKeys, []),
    allowPublicWithoutKeys: pick("allowPublicWithoutKeys", "allow_public_without_keys", bool, false),
    models,
    defaultModel,
    agentId: pick("agentId", "agent_id", str, ""),
    aegisNetFile: pick("aegisNetFile", "aegis_net_file", str, join(homedir(), ".config", "aegis", "aegis-net.toml")),
    maxBodyBytes: pick("maxBodyBytes", "max_body_bytes", positiveInt, 10 * 1024 * 1024),
    maxUploadBytes: pick("maxUploadBytes", "max_upload_bytes", positiveInt, 20 * 1024 * 1024),
    permissions: parsePermissions(
      file.permissions,
      pick("permissionMode", "permission_mode", permissionMode, "workspace"),
      src,
    ),
    approvalTimeoutMs: Math.min(pick("approvalTimeoutMs", "approval_timeout_ms", positiveInt, 300_000), 86_400_000),
    heartbeatMs: pick("heartbeatMs", "heartbeat_ms", positiveInt, 15_000),
    feedSubscriberBuffer: pick("feedSubscriberBuffer", "feed_subscriber_buffer", positiveInt, 1000),
    eventRetention: pick("eventRetention", "event_retention", positiveInt, 100_000),
    modelMaxRetries: pick("modelMaxRetries", "model_max_retries", nonNegativeInt, 2),
    modelTimeoutMs,
    modelDiscoveryTtlSeconds: pick("modelDiscoveryTtlSeconds", "model_discovery_ttl_seconds", nonNegativeInt, 300),
    ...limits(pick, modelTimeoutMs),
    checkpoints: parseCheckpoints(file.checkpoints, env, src),
    ...agentsAndTools(file, src, models, env),
    openai: { apiKey: openaiApiKey, baseUrl: openaiBaseUrl },
    openrouter: {
      apiKey: pick("openrouterApiKey", "__none", str, ""),
      siteUrl: pick("openrouterSiteUrl", "__none", str, ""),
      siteTitle: pick("openrouterSiteTitle", "__none", str, ""),
      baseUrl: pick("openrouterBaseUrl", "__none", str, "https://openrouter.ai/api/v1"),
    },
    github: {
      webhookSecret: pick("githubWebhookSecret", "__none", str, ""),
      appId: pick("githubAppId", "__none", str, ""),
      privateKeyPath: pick("githubAppPrivateKeyPath", "__none", str, ""),
      rules: file.github_rules === undefined ? DEFAULT_GITHUB_RULES : parseGitHubRules(file.github_rules, src),
    },
    configFile: existsSync(configFile) ? configFile : "",
  };
}

/** The file's agents, the MCP servers (global and the agents' own) and `a2a_agents` (remote A2A agents to delegate to). */
function agentsAndTools(file: Raw, src: string, models: ModelConfig[], env: NodeJS.ProcessEnv) {
  return {
    agents: file.agents === undefined ? [] : parseAgents(file.agents, src, models),
    mcp: parseMcpSettings(file, src, env),
    a2aAgents: file.a2a_agents === undefined ? [] : parseA2aAgents(file.a2a_agents, src, env),
  };
}

function readConfigFile(path: string, env: NodeJS.ProcessEnv): Raw {
  // A .toml config is Pawan's, mapped onto these keys.
  if (path.endsWith(".toml")) return readPawanConfig(readFileSync(path, "utf8"), path, env);
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, "utf8"));
  } catch (e) {
    const first = String((e as Error).message).split("\n")[0];
    throw new ConfigError("(yaml)", path, `not valid YAML: ${first}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc))
    throw new ConfigError("(root)", path, "must be a mapping of keys to values");
  for (const key of Object.keys(doc)) {
    if (!FILE_KEYS.has(key)) throw new ConfigError(key, path, `unknown key (known: ${[...FILE_KEYS].join(", ")})`);
  }
  return doc as Raw;
}

function parseModels(value: unknown, source: string): ModelConfig[] {
  if (!Array.isArray(value)) throw new ConfigError("models", source, "must be a list of model configs");
  const seen = new Set<string>();
  return value.map((item, i) => {
    const at = `models[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item))
      throw new ConfigError(at, source, "must be a mapping");
    const m = item as Raw;
    for (const key of Object.keys(m)) {
      if (!MODEL_KEYS.has(key))
        throw new ConfigError(`${at}.${key}`, source, `unknown key (known: ${[...MODEL_KEYS].join(", ")})`);
    }
    const id = m.id === undefined ? "" : str(m.id, source, `${at}.id`);
    if (!id) throw new ConfigError(`${at}.id`, source, "is required");
    if (seen.has(id)) throw new ConfigError(`${at}.id`, source, `duplicate id "${id}"`);
    seen.add(id);
    const name = m.name === undefined ? id : str(m.name, source, `${at}.name`);
    return create(ModelConfigSchema, {
      id,
      name,
      provider: m.provider === undefined ? "openai" : str(m.provider, source, `${at}.provider`),
      baseUrl: m.base_url === undefined ? "" : str(m.base_url, source, `${at}.base_url`),
      apiKeyEnv: m.api_key_env === undefined ? "OPENAI_API_KEY" : str(m.api_key_env, source, `${at}.api_key_env`),
      visionEnabled: m.vision_enabled === undefined ? false : bool(m.vision_enabled, source, `${at}.vision_enabled`),
      maxOutputTokens:
        m.max_output_tokens === undefined ? 4096 : positiveInt(m.max_output_tokens, source, `${at}.max_output_tokens`),
      maxContextWindowTokens:
        m.context_window === undefined ? 128000 : positiveInt(m.context_window, source, `${at}.context_window`),
      temperature: m.temperature === undefined ? 0.7 : temperature(m.temperature, source, `${at}.temperature`),
      reasoningEnabled:
        m.reasoning_enabled === undefined ? false : bool(m.reasoning_enabled, source, `${at}.reasoning_enabled`),
    });
  });
}
