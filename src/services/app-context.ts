import type { FastifyBaseLogger } from "fastify";
import type { FloeConfig } from "../config/floe-config.js";
import type { RuntimeConfig } from "../config/runtime-config.js";
import type { ModelRegistry } from "../agent/model-registry.js";
import type { OpenDatabase } from "../store/database.js";
import type { ConversationRepository } from "../store/conversation-repository.js";
import type { UsageRepository } from "../store/usage-repository.js";
import type { EventLog } from "../events/event-log.js";
import type { RunManager } from "../agent/run-manager.js";

/** What the service implementations share: configuration, state and storage. */
export interface AppContext {
  config: FloeConfig;
  runtime: RuntimeConfig;
  models: ModelRegistry;
  database: OpenDatabase;
  conversations: ConversationRepository;
  usage: UsageRepository;
  events: EventLog;
  runs: RunManager;
  log: FastifyBaseLogger;
  startedAt: number;
  /** Pawan-style agent id: FLOE_AGENT_ID, else `floe@<hostname>`. */
  agentId: string;
}
