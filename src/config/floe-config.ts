import type { ModelConfig } from "../../gen/floe/v1/common_pb.js";
import type { AgentProfile } from "../domain/agent-profile.js";

/** `project`: tools work in the project root; `workspace`: in the workspace root. */
export type ExecutionMode = "project" | "workspace";

/** The resolved start-up configuration: defaults, then the file, then env, then flags. */
export interface FloeConfig {
  host: string;
  port: number;
  /** Holds floe.yaml, floe.db, uploads and context files. */
  workspace: string;
  projectRoot: string;
  executionMode: ExecutionMode;
  /** `postgres://…` selects Postgres; empty selects SQLite at `<workspace>/floe.db`. */
  databaseUrl: string;
  debug: boolean;
  corsOrigins: string[];
  /** Accepted API keys; empty disables auth (only allowed on loopback unless `allowPublicWithoutKeys`). */
  apiKeys: string[];
  allowPublicWithoutKeys: boolean;
  models: ModelConfig[];
  /** Id of the model used when a request names none. */
  defaultModel: string;
  /** Pawan-style agent id; empty derives `floe@<hostname>`. */
  agentId: string;
  aegisNetFile: string;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  openai: { apiKey: string; baseUrl: string };
  /** OpenRouter: key and attribution headers; `baseUrl` also serves model discovery. */
  openrouter: { apiKey: string; siteUrl: string; siteTitle: string; baseUrl: string };
  github: { webhookSecret: string; appId: string; privateKeyPath: string };
  /** Interval of typed heartbeat events on idle streams, in ms. */
  heartbeatMs: number;
  /** Events kept per conversation; older cursors get a `gap` event. */
  eventRetention: number;
  /** Retries of a model request on 429, 5xx and connection errors. */
  modelMaxRetries: number;
  /** Timeout of one model request, in ms. */
  modelTimeoutMs: number;
  /** Agents defined in the config file, beside the built-in `default`. */
  agents: AgentProfile[];
  /** The config file that was read, if any. */
  configFile: string;
}

/** Command-line flags; each beats every other source. */
export interface ConfigFlags {
  workspace?: string;
  config?: string;
  host?: string;
  port?: number | string;
}
