import { hostname } from "node:os";
import type { FastifyBaseLogger } from "fastify";
import { defaultProfile, type AgentProfile } from "../agent/agent-profile.js";
import type { ModelProvider } from "../agent/model-provider.js";
import { ModelRegistry } from "../agent/model-registry.js";
import { OfflineProvider } from "../agent/offline-provider.js";
import { OpenAIProvider } from "../agent/openai-provider.js";
import { RunManager } from "../agent/run-manager.js";
import type { FloeConfig } from "../config/floe-config.js";
import { RuntimeConfig } from "../config/runtime-config.js";
import { EventLog } from "../events/event-log.js";
import { allowAllGate, type PermissionGate } from "../security/permission-gate.js";
import type { AppContext } from "../services/app-context.js";
import { ConversationRepository } from "../store/conversation-repository.js";
import type { OpenDatabase } from "../store/database.js";
import { RunRepository } from "../store/run-repository.js";
import { UsageRepository } from "../store/usage-repository.js";

/** Wires the domain: repositories, event log, model providers and the run manager. */
export function createAppContext(
  config: FloeConfig,
  database: OpenDatabase,
  log: FastifyBaseLogger,
  env: NodeJS.ProcessEnv,
  gate: PermissionGate = allowAllGate,
): AppContext {
  const conversations = new ConversationRepository(database.db);
  const usage = new UsageRepository(database.db);
  const events = new EventLog(database.db, log, {
    flushIntervalMs: 20,
    maxBatch: 500,
    retention: config.eventRetention,
  });
  const models = new ModelRegistry(config.models, config.defaultModel);
  const runtime = new RuntimeConfig({
    projectRoot: config.projectRoot,
    workspaceRoot: config.workspace,
    executionMode: config.executionMode,
  });
  const openai = new OpenAIProvider(config, env, {
    maxRetries: config.modelMaxRetries,
    timeoutMs: config.modelTimeoutMs,
  });
  const offline = new OfflineProvider();
  const profiles = new Map<string, AgentProfile>([
    ["default", defaultProfile()],
    ...config.agents.map((a) => [a.id, a] as const),
  ]);
  const runs = new RunManager({
    db: database.db,
    log: events,
    conversations,
    runs: new RunRepository(database.db),
    usage,
    models,
    runtime,
    gate,
    providerFor: (m): ModelProvider => (m.offline ? offline : openai),
    profiles: (id) => profiles.get(id),
    logger: log,
  });
  return {
    config,
    runtime,
    models,
    database,
    conversations,
    usage,
    events,
    runs,
    log,
    startedAt: Date.now(),
    agentId: config.agentId || `floe@${hostname()}`,
  };
}
