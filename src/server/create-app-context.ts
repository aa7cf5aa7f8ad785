import { hostname } from "node:os";
import { join } from "node:path";
import { AgentRegistry } from "../agent/agent-registry.js";
import type { CheckpointDeps } from "../agent/checkpoints/checkpoint-deps.js";
import { Checkpoints } from "../agent/checkpoints/checkpoints.js";
import type { ModelProvider } from "../agent/model-provider.js";
import type { ModelConfig } from "../../gen/floe/v1/common_pb.js";
import { ModelCatalogue } from "../agent/model-catalogue.js";
import { ModelRegistry } from "../agent/model-registry.js";
import { OfflineProvider } from "../agent/offline-provider.js";
import { OpenAIProvider } from "../agent/openai-provider.js";
import type { ProviderSettings } from "../agent/provider-settings.js";
import { RunExecutor, type RunExecutorDeps } from "../agent/run-executor.js";
import { McpManager } from "../agent/mcp/mcp-manager.js";
import { commandEnvironment } from "../agent/tools/command-env.js";
import { toolsFor } from "../agent/tools/tool-registry.js";
import { createSandbox } from "../agent/tools/sandbox.js";
import type { FloeConfig } from "../config/floe-config.js";
import { RuntimeConfig } from "../config/runtime-config.js";
import type { Logger } from "../domain/logger.js";
import { clusteredEventLog } from "./cluster.js";
import { shareAgentChanges } from "../services/shared-agents.js";
import { Approvals, AuditLog, FloeGate, type PermissionGate, PermissionEngine } from "../security/index.js";
import { ApprovalRepository } from "../store/approval-repository.js";
import { AuditRepository } from "../store/audit-repository.js";
import type { AppContext } from "../services/app-context.js";
import { RemoteAgents } from "../services/a2a-delegation.js";
import { AgentWork } from "../services/agent-work.js";
import { ChatRunStarter, type ChatRunStarterDeps } from "../services/chat-run-starter.js";
import { bridgeRunsToFeed } from "../services/feed-bridge.js";
import { AgentRepository } from "../store/agent-repository.js";
import { BlobRepository } from "../store/blob-repository.js";
import { CheckpointRepository } from "../store/checkpoint-repository.js";
import { MessageArchive } from "../store/message-archive.js";
import { BusRepository } from "../store/bus-repository.js";
import { ConversationRepository } from "../store/conversation-repository.js";
import type { OpenDatabase } from "../store/database.js";
import { RunRepository } from "../store/run-repository.js";
import { RunStartStore } from "../store/run-start-store.js";
import { ProjectRepository } from "../store/project-repository.js";
import { TaskRepository } from "../store/task-repository.js";
import { TaskRunner, type TaskRunnerDeps } from "../services/task-runner.js";
import { SettingsRepository } from "../store/settings-repository.js";
import { UsageRepository } from "../store/usage-repository.js";

/** Wires the domain: repositories, event log, model providers and the run engine. */
export function createAppContext(
  config: FloeConfig,
  database: OpenDatabase,
  log: Logger,
  env: NodeJS.ProcessEnv,
  customGate?: PermissionGate,
  clock: () => number = Date.now,
): AppContext {
  const { db } = database;
  const conversations = new ConversationRepository(db);
  const usage = new UsageRepository(db);
  const runRecords = new RunRepository(db);
  const { cluster, events, feed, runsFor, forwardQueued } = clusteredEventLog(config, database, log);
  const { projectRoot, workspace: workspaceRoot, executionMode } = config;
  const runtime = new RuntimeConfig({ projectRoot, workspaceRoot, executionMode });
  const { models, providers, catalogue } = createModels(config, db, clock);
  const providerFor = modelProviders(providers, env);
  const agents = new AgentRegistry(new AgentRepository(db), conversations);
  shareAgentChanges(cluster, agents, log);
  const starts = new RunStartStore(db);
  const { audit, approvals, gate } = createSecurity(db, config, customGate);
  const { sandbox, network } = commandSandbox(config, log);
  const executor = new RunExecutor({
    events,
    conversations,
    runs: runRecords,
    starts,
    usage,
    gate,
    providerFor,
    logger: log,
    commandEnv: commandEnvironment(env, config.commandEnv),
    sandbox,
    // Bound late: checkpoints need `runs`, which needs this executor.
    files: { record: (c): Promise<void> => checkpoints.journal.record(c) },
    ...checkpointHooks(() => checkpoints),
  });
  const runs = runsFor({ executor, starts, runs: runRecords }, approvals);
  // MCP servers start from the allow-list alone: none of Floe's keys, not even command_env's names.
  const mcp = new McpManager({ settings: config.mcp, runtime, baseEnv: commandEnvironment(env, []), sandbox, log });
  const chat = createChat({ runtime, models, conversations, events, runs, runRecords }, agents, approvals, mcp);
  forwardQueued(runs, chat);
  const checkpoints: Checkpoints = createCheckpoints(db, { conversations, events, runs, clock, log }, config);
  const work = new AgentWork({ agents, chat, bus: new BusRepository(db), feed, runs, remote: remoteAgents(config) });
  executor.attachAgentOps(work);
  const tasks = createTasks(db, { chat, runs, events, conversations, log, models, agents });
  bridgeRunsToFeed(events, runs, feed, log);
  return {
    config,
    runtime,
    models,
    providers,
    catalogue,
    database,
    conversations,
    usage,
    events,
    runs,
    chat,
    agents,
    work,
    projects: tasks.projects,
    tasks,
    feed,
    runRecords,
    approvals,
    audit,
    checkpoints,
    commandsReachServer: sandbox.kind === "none" || network || networkAllowedByConfig(config),
    log,
    startedAt: Date.now(),
    cluster,
    agentId: config.agentId || `floe@${hostname()}`,
    mcp,
  };
}

/** Starts runs for every caller; a run is offered its agent's built-in tools, then its MCP tools. */
function createChat(
  deps: Omit<ChatRunStarterDeps, "profiles" | "approver" | "toolsOf">,
  agents: AgentRegistry,
  approvals: Approvals,
  mcp: McpManager,
): ChatRunStarter {
  return new ChatRunStarter({
    ...deps,
    profiles: (id) => agents.profile(id),
    approver: approvals.hook,
    toolsOf: (p) => [...toolsFor(p.defaultTools), ...mcp.toolsFor(p.id)],
  });
}

/** The offline model answers for itself; every other model goes through the openai SDK. */
function modelProviders(providers: ProviderSettings, env: NodeJS.ProcessEnv): (m: ModelConfig) => ModelProvider {
  const openai = new OpenAIProvider(providers, env);
  const offline = new OfflineProvider();
  return (m) => (m.offline ? offline : openai);
}

/** The configured models (with the stored current choice) and the discovery catalogue. */
function createModels(config: FloeConfig, db: OpenDatabase["db"], now: () => number) {
  const models = new ModelRegistry(config.models, config.defaultModel, new SettingsRepository(db));
  const providers = providerSettings(config);
  const catalogue = new ModelCatalogue(providers, config.modelDiscoveryTtlSeconds * 1000, now);
  return { models, providers, catalogue };
}

/** Projects and the task runner; tasks run through the chat run starter like every other run. */
function createTasks(
  db: OpenDatabase["db"],
  d: Omit<TaskRunnerDeps, "tasks" | "projects" | "profiles"> & { agents: AgentRegistry },
): TaskRunner {
  const { agents, ...deps } = d;
  return new TaskRunner({
    ...deps,
    tasks: new TaskRepository(db),
    projects: new ProjectRepository(db),
    profiles: (id) => agents.profile(id),
  });
}

/** Automatic checkpoints after each stored message and at a run's end. */
function checkpointHooks(get: () => Checkpoints): Pick<RunExecutorDeps, "afterRun" | "afterMessage"> {
  return { afterRun: (id) => get().afterRun(id), afterMessage: (id) => get().afterRun(id) };
}

/** Checkpoints over their repositories. */
function createCheckpoints(
  db: OpenDatabase["db"],
  deps: Pick<CheckpointDeps, "conversations" | "events" | "runs" | "clock" | "log">,
  config: FloeConfig,
): Checkpoints {
  const stores = { repo: new CheckpointRepository(db), blobs: new BlobRepository(db), archive: new MessageArchive(db) };
  return new Checkpoints({ ...stores, ...deps, settings: config.checkpoints });
}

/** The permission engine, its audit log and human approvals; a custom gate replaces the engine. */
function createSecurity(db: OpenDatabase["db"], config: FloeConfig, customGate: PermissionGate | undefined) {
  const audit = new AuditLog(new AuditRepository(db));
  const approvals = new Approvals(new ApprovalRepository(db), audit, config.approvalTimeoutMs);
  const gate = customGate ?? new FloeGate(new PermissionEngine(config.permissions), approvals, audit);
  return { audit, approvals, gate };
}

/** What model discovery and the providers need from the configuration. */
function providerSettings(config: FloeConfig): ProviderSettings {
  return {
    openai: config.openai,
    openrouter: config.openrouter,
    maxRetries: config.modelMaxRetries,
    timeoutMs: config.modelTimeoutMs,
    idleTimeoutMs: config.modelIdleTimeoutMs,
  };
}

/** Where shell commands run; the startup log says which. */
function commandSandbox(config: FloeConfig, log: Logger) {
  // Every command gets the network only when the config says so; the permission engine opens it per call.
  const network = config.sandboxNetwork;
  // Floe's own config (API keys, the permission rules) and database (the audit log) are not the agent's to read.
  const db0 = join(config.workspace, "floe.db");
  const hide = [
    join(config.workspace, "floe.yaml"),
    join(config.workspace, "pawan.toml"),
    db0,
    `${db0}-wal`,
    `${db0}-shm`,
  ];
  const sandbox = createSandbox(config.sandbox, config.bwrapPath, network, { hide });
  if (sandbox.kind === "bwrap") log.info({ sandbox: sandbox.kind }, sandbox.reason);
  else log.warn({ sandbox: sandbox.kind }, sandbox.reason);
  return { sandbox, network };
}

/** Whether the permission config lets some commands use the network without a human: full mode, or a rule. */
function networkAllowedByConfig(config: FloeConfig): boolean {
  const p = config.permissions;
  return (
    p.mode === "full" ||
    Object.values(p.agentModes).includes("full") ||
    p.rules.some((r) => r.result === "allow" && (r.operation.startsWith("network") || r.operation === "*"))
  );
}

/** The remote A2A agents the delegate tool reaches as `a2a:<name>`. */
function remoteAgents(config: FloeConfig): RemoteAgents {
  return new RemoteAgents(config.a2aAgents);
}
