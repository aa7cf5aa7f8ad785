import type { PermissionSettings } from "../domain/permissions.js";
import type { ApiKey } from "../domain/api-key.js";
import type { ModelConfig } from "../../gen/floe/v1/common_pb.js";
import type { AgentProfile } from "../domain/agent-profile.js";
import type { McpSettings } from "../domain/mcp-server.js";

/** `project`: tools work in the project root; `workspace`: in the workspace root. */
export type ExecutionMode = "project" | "workspace";

export type SandboxMode = "auto" | "required" | "off";

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
  apiKeys: ApiKey[];
  allowPublicWithoutKeys: boolean;
  models: ModelConfig[];
  /** Id of the model used when a request names none. */
  defaultModel: string;
  /** Pawan-style agent id; empty derives `floe@<hostname>`. */
  agentId: string;
  aegisNetFile: string;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes: number;
  /** Largest file `/api/v1/upload` and UploadService take. */
  maxUploadBytes: number;
  openai: { apiKey: string; baseUrl: string };
  /** OpenRouter: key and attribution headers; `baseUrl` also serves model discovery. */
  openrouter: { apiKey: string; siteUrl: string; siteTitle: string; baseUrl: string };
  github: { webhookSecret: string; appId: string; privateKeyPath: string; rules: GitHubRule[] };
  /** Interval of typed heartbeat events on idle streams, in ms. */
  heartbeatMs: number;
  /** Several instances: how long a run's owner may stay silent before another instance ends its runs. */
  leaseMs: number;
  /** Several instances: how long SIGTERM lets live runs finish before cancelling them. */
  drainGraceMs: number;
  /** This process among instances sharing a database (set at start: host, pid, random), in logs and /metrics. */
  instanceId?: string;
  /** Live events held for one event-feed subscriber before it is dropped as fallen behind. */
  feedSubscriberBuffer: number;
  /** Events kept per conversation; older cursors get a `gap` event. */
  eventRetention: number;
  /** Retries of a model request on 429, 5xx and connection errors. */
  modelMaxRetries: number;
  /** How long a model discovery answer is reused, in seconds; 0 asks the catalogue every time. */
  modelDiscoveryTtlSeconds: number;
  /** Timeout of one model request, in ms. */
  modelTimeoutMs: number;
  /** Longest silence between two chunks of a model stream, in ms (default: the model timeout). */
  modelIdleTimeoutMs: number;
  /** Extra environment variables shell commands may see, besides PATH, HOME, LANG and TERM. */
  commandEnv: string[];
  /** Shell commands in bubblewrap: `auto` when it works, `required` (refuse without it) or `off`. */
  sandbox: SandboxMode;
  /** Let sandboxed commands use the network (default false: no network at all). */
  sandboxNetwork: boolean;
  /** The bubblewrap binary. */
  bwrapPath: string;
  /** What tool calls may do (see security/permission-engine). */
  permissions: PermissionSettings;
  /** How long a tool call waits for a human decision before it is denied as expired. */
  approvalTimeoutMs: number;
  /** Connection limits, in ms, for HTTP/1.1 and cleartext HTTP/2 alike. */
  timeouts: ConnectionTimeouts;
  /** The checkpoint policy. */
  checkpoints: CheckpointSettings;
  /** Agents defined in the config file, beside the built-in `default`. */
  agents: AgentProfile[];
  /** MCP tool servers (global and per agent) and their limits. */
  mcp: McpSettings;
  /** Remote A2A agents the `delegate` tool reaches as `a2a:<name>`. */
  a2aAgents: RemoteA2aAgent[];
  /** The config file that was read, if any. */
  configFile: string;
}

/** How long a connection may take or sit idle; long-lived streams are not cut by any of these. */
export interface ConnectionTimeouts {
  /** A new connection's request headers (HTTP/1.1) or preface and first request (HTTP/2) must arrive within this. */
  headersMs: number;
  /** A request's whole body must arrive within this. */
  requestMs: number;
  /** An HTTP/1.1 connection with no request in flight is closed after this. */
  keepAliveMs: number;
  /** An HTTP/2 session with no open stream is closed after this. */
  idleMs: number;
}

/** Command-line flags; each beats every other source. */
export interface ConfigFlags {
  workspace?: string;
  config?: string;
  host?: string;
  port?: number | string;
}

/** Where a GitHub webhook event goes: to every agent of a role, or to one agent. */
export interface GitHubRule {
  /** `push`, `pull_request`, `issues`, `issue_comment`, `pull_request_review` or `workflow_run`. */
  event: string;
  /** The payload's `action` (for example `opened`); empty matches any. */
  action: string;
  role: string;
  agent: string;
}

/** The checkpoint policy (`checkpoints` in floe.yaml). */
export interface CheckpointSettings {
  /** Automatic checkpoints; manual ones, rollbacks and branches work either way. */
  enabled: boolean;
  /** An automatic checkpoint once a run leaves this many new messages. */
  frequency: number;
  /** Automatic checkpoints are removed after this many hours. */
  retentionHours: number;
  /** Every checkpoint is removed after this many days. */
  maxAgeDays: number;
}

/** A remote A2A agent Floe may delegate to (`a2a_agents` in floe.yaml). */
export interface RemoteA2aAgent {
  /** What the `delegate` tool names it by: `a2a:<name>`. */
  name: string;
  /** The agent's base URL; its card is read from `<url>/.well-known/agent-card.json` (or the URL itself if it ends in `.json`). */
  url: string;
  /** Headers sent with every request to it (the card, JSON-RPC): its API key goes here. */
  headers: Record<string, string>;
}
