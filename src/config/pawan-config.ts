import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { ConfigError } from "./config-error.js";
import { bool, nonNegativeInt, positiveInt, str, temperature } from "./config-values.js";

/** Pawan's config file name, read from the workspace when there is no floe.yaml. */
export const PAWAN_CONFIG_FILE_NAME = "pawan.toml";

/** The model Pawan's reference lists as its default, for a pawan.toml that names none. */
const PAWAN_DEFAULT_MODEL = "qwen/qwen3.5-122b-a10b";

/**
 * Pawan's providers: each one's OpenAI-compatible endpoint, the variable
 * that moves it (as Pawan reads it; `base_url` in the file beats it, as in
 * Pawan), and the variable that holds its key.
 */
const PROVIDERS: Record<string, { baseUrl: string; urlEnv: string; apiKeyEnv: string }> = {
  nvidia: { baseUrl: "https://integrate.api.nvidia.com/v1", urlEnv: "NVIDIA_API_URL", apiKeyEnv: "NVIDIA_API_KEY" },
  nim: { baseUrl: "https://integrate.api.nvidia.com/v1", urlEnv: "NVIDIA_API_URL", apiKeyEnv: "NVIDIA_API_KEY" },
  openai: { baseUrl: "", urlEnv: "OPENAI_API_URL", apiKeyEnv: "OPENAI_API_KEY" },
  ollama: { baseUrl: "http://localhost:11434/v1", urlEnv: "OLLAMA_URL", apiKeyEnv: "" },
  mlx: { baseUrl: "http://localhost:8080/v1", urlEnv: "MLX_URL", apiKeyEnv: "" },
};

/** Keys Floe maps onto its own config. */
const MAPPED = new Set([
  "provider",
  "model",
  "base_url",
  "temperature",
  "max_tokens",
  "max_context_tokens",
  "reasoning_mode",
  "max_retries",
]);

/**
 * Keys of Pawan's own config that have no meaning in Floe (its TUI, healing,
 * MCP servers...). Pawan's config files carry them, so they are accepted and
 * ignored; any other key is refused as a typo.
 */
const PAWAN_ONLY = new Set([
  "config_version",
  "dry_run",
  "auto_backup",
  "require_git_clean",
  "bash_timeout_secs",
  "tool_call_idle_timeout_secs",
  "max_file_size_kb",
  "max_tool_iterations",
  "system_prompt",
  "top_p",
  "thinking_budget",
  "fallback_models",
  "max_result_chars",
  "healing",
  "targets",
  "tui",
  "mcp",
  "permissions",
  "cloud",
  "models",
  "eruka",
  "use_ares_backend",
  "use_coordinator",
  "skills_repo",
  "local_first",
  "local_endpoint",
]);

/**
 * Reads a Pawan config (TOML) as the equivalent floe.yaml settings: one model
 * named by `model` on `provider`'s endpoint (or `base_url`), with its
 * `temperature`, `max_tokens`, `max_context_tokens` and `reasoning_mode`, as
 * the default model; `max_retries` becomes `model_max_retries`. Keys left out
 * take Floe's defaults.
 */
export function readPawanConfig(text: string, path: string, env: NodeJS.ProcessEnv): Record<string, unknown> {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    const first = String((e as Error).message).split("\n")[0];
    throw new ConfigError("(toml)", path, `not valid TOML: ${first}`);
  }
  for (const key of Object.keys(doc)) {
    if (!MAPPED.has(key) && !PAWAN_ONLY.has(key))
      throw new ConfigError(key, path, `unknown key (Floe reads: ${[...MAPPED].join(", ")})`);
  }
  const providerName = doc.provider === undefined ? "nvidia" : str(doc.provider, path, "provider").toLowerCase();
  const provider = PROVIDERS[providerName];
  if (!provider)
    throw new ConfigError(
      "provider",
      path,
      `unknown provider "${providerName}" (known: ${Object.keys(PROVIDERS).join(", ")})`,
    );
  const name = doc.model === undefined ? PAWAN_DEFAULT_MODEL : str(doc.model, path, "model");
  if (!name) throw new ConfigError("model", path, "must name a model");
  const model: Record<string, unknown> = {
    id: name,
    name,
    provider: providerName,
    base_url:
      doc.base_url === undefined
        ? env[provider.urlEnv]?.trim() || provider.baseUrl
        : str(doc.base_url, path, "base_url"),
    api_key_env: provider.apiKeyEnv,
  };
  if (doc.temperature !== undefined) model.temperature = temperature(doc.temperature, path, "temperature");
  if (doc.max_tokens !== undefined) model.max_output_tokens = positiveInt(doc.max_tokens, path, "max_tokens");
  if (doc.max_context_tokens !== undefined)
    model.context_window = positiveInt(doc.max_context_tokens, path, "max_context_tokens");
  if (doc.reasoning_mode !== undefined) model.reasoning_enabled = bool(doc.reasoning_mode, path, "reasoning_mode");
  const out: Record<string, unknown> = { models: [model], default_model: name };
  if (doc.max_retries !== undefined) out.model_max_retries = nonNegativeInt(doc.max_retries, path, "max_retries");
  return out;
}

/**
 * The config file of a workspace: `floe_file` (floe.yaml) when it exists,
 * else pawan.toml when that exists, else `floe_file` (which then need not exist).
 */
export function workspaceConfigFile(workspace: string, floeFile: string): string {
  const floe = join(workspace, floeFile);
  const pawan = join(workspace, PAWAN_CONFIG_FILE_NAME);
  return !existsSync(floe) && existsSync(pawan) ? pawan : floe;
}
