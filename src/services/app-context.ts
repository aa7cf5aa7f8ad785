import type { AgentRegistry } from "../agent/agent-registry.js";
import type { ModelCatalogue } from "../agent/model-catalogue.js";
import type { Checkpoints } from "../agent/checkpoints/checkpoints.js";
import type { McpManager } from "../agent/mcp/mcp-manager.js";
import type { ModelRegistry } from "../agent/model-registry.js";
import type { ProviderSettings } from "../agent/provider-settings.js";
import type { RunRegistry } from "../agent/run-registry.js";
import type { FloeConfig } from "../config/floe-config.js";
import type { RuntimeConfig } from "../config/runtime-config.js";
import type { Logger } from "../domain/logger.js";
import type { EventFeed } from "../events/event-feed.js";
import type { Approvals, AuditLog } from "../security/index.js";
import type { EventLog } from "../events/event-log.js";
import type { ClusterBus } from "../events/cluster-bus.js";
import type { ConversationRepository } from "../store/conversation-repository.js";
import type { OpenDatabase } from "../store/database.js";
import type { RunRepository } from "../store/run-repository.js";
import type { UsageRepository } from "../store/usage-repository.js";
import type { AgentWork } from "./agent-work.js";
import type { ChatRunStarter } from "./chat-run-starter.js";
import type { ProjectRepository } from "../store/project-repository.js";
import type { TaskRunner } from "./task-runner.js";

/** What the service implementations share: configuration, state and storage. */
export interface AppContext {
  config: FloeConfig;
  runtime: RuntimeConfig;
  models: ModelRegistry;
  /** What model discovery needs from the configuration. */
  providers: ProviderSettings;
  /** Model discovery, cached for `model_discovery_ttl_seconds`. */
  catalogue: ModelCatalogue;
  database: OpenDatabase;
  conversations: ConversationRepository;
  usage: UsageRepository;
  events: EventLog;
  /** Live runs: the active one per conversation, queues, cancel. */
  runs: RunRegistry;
  /** Starts runs under ChatService's rules; later capabilities pass their seams to it. */
  chat: ChatRunStarter;
  /** Registered agents. */
  agents: AgentRegistry;
  /** Delegation and the message bus. */
  work: AgentWork;
  /** Projects tasks belong to. */
  projects: ProjectRepository;
  /** Background, sync and streamed tasks, run through `chat`. */
  tasks: TaskRunner;
  /** The cross-conversation event feed. */
  feed: EventFeed;
  runRecords: RunRepository;
  /** Human approvals of tool calls. */
  approvals: Approvals;
  /** The permission audit log. */
  audit: AuditLog;
  /** Checkpoints of conversations and of the files their agents changed. */
  checkpoints: Checkpoints;
  /**
   * True when shell commands can reach this server (no sandbox, or the
   * sandbox has the network): a command could then answer its own approval
   * through the API, so answers need an API key.
   */
  commandsReachServer: boolean;
  log: Logger;
  startedAt: number;
  /** What this instance tells the others sharing its database (in process only on SQLite); names the instance. */
  cluster: ClusterBus;
  /** Pawan-style agent id: FLOE_AGENT_ID, else `floe@<hostname>`. */
  agentId: string;
  /** The MCP tool servers and the tools they offer. */
  mcp: McpManager;
}
