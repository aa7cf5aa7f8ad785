import { create } from "@bufbuild/protobuf";
import { type ModelConfig, ModelConfigSchema } from "../../gen/floe/v1/common_pb.js";

/** Id of the built-in model that needs no upstream, for a first try. */
export const OFFLINE_MODEL_ID = "offline";

export function offlineModel(): ModelConfig {
  return create(ModelConfigSchema, {
    id: OFFLINE_MODEL_ID,
    name: "floe/offline",
    provider: "offline",
    maxOutputTokens: 1024,
    maxContextWindowTokens: 8192,
    temperature: 0,
    reasoningEnabled: true,
    offline: true,
  });
}

/**
 * The model used when the config file lists none but OPENAI_API_KEY or
 * OPENAI_BASE_URL is set, so that a plain OpenAI-compatible setup works.
 */
export function envModel(name: string, baseUrl: string): ModelConfig {
  return create(ModelConfigSchema, {
    id: "default",
    name,
    provider: "openai",
    baseUrl,
    apiKeyEnv: "OPENAI_API_KEY",
    maxOutputTokens: 4096,
    maxContextWindowTokens: 128000,
    temperature: 0.7,
  });
}
