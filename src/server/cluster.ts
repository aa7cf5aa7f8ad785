import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { RunRegistry, type RunRegistryDeps } from "../agent/run-registry.js";
import type { RunRow } from "../store/run-repository.js";
import type { FloeConfig } from "../config/floe-config.js";
import type { Logger } from "../domain/logger.js";
import type { ClusterBus } from "../events/cluster-bus.js";
import { ClusterRelay } from "../events/cluster-relay.js";
import { EventFeed } from "../events/event-feed.js";
import { EventLog } from "../events/event-log.js";
import { FeedRepository } from "../store/feed-repository.js";
import { LocalClusterBus } from "../events/local-cluster-bus.js";
import { PgClusterBus } from "../events/pg-cluster-bus.js";
import type { OpenDatabase } from "../store/database.js";
import { LeaseRepository } from "../store/lease-repository.js";
import type { Approvals } from "../security/index.js";
import { RunLeases } from "../services/run-leases.js";
import type { ChatRunStarter } from "../services/chat-run-starter.js";
import { ClusterControl } from "../services/cluster-control.js";
import { endQueuedHere } from "../services/end-queued-here.js";
import { remoteResult } from "../services/remote-run.js";
import { RunForwarding, type RunForwardingDeps } from "../services/run-forwarding.js";

/** This process among the instances: host, pid and a random suffix (a restarted process is a new instance). */
export function newInstanceId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

/**
 * The cluster bus for this database: on Postgres, LISTEN/NOTIFY, since any
 * number of instances may share it (nothing else to configure); on SQLite,
 * the in-process bus of a single instance.
 */
export function clusterBus(config: FloeConfig, database: OpenDatabase, log: Logger): ClusterBus {
  const id = config.instanceId ?? newInstanceId();
  if (database.dialect !== "postgres") return new LocalClusterBus(id);
  return new PgClusterBus(config.databaseUrl, id, log);
}

/**
 * The event log with its cluster bus: on a shared database every committed
 * batch is announced, and conversations numbered elsewhere are followed
 * through a relay. On SQLite the log is exactly the single-instance one.
 */
export function clusteredEventLog(
  config: FloeConfig,
  database: OpenDatabase,
  log: Logger,
): {
  cluster: ClusterBus;
  events: EventLog;
  feed: EventFeed;
  /** The run registry over this log (built later: it needs the executor and the approvals). */
  runsFor: (deps: Omit<RunRegistryDeps, "onIdle" | "leases">, approvals: Approvals) => RunRegistry;
  /** Hands queued starts to the instance executing their conversation (built once the chat starter is, after `runsFor`). */
  forwardQueued: (runs: RunRegistry, chat: ChatRunStarter) => void;
} {
  const cluster = clusterBus(config, database, log);
  const events = new EventLog(database.db, log, {
    // Several instances: other instances hear of events once their batch commits, so batches close sooner.
    flushIntervalMs: cluster.shared ? 5 : 20,
    maxBatch: 500,
    retention: config.eventRetention,
    onStored: cluster.shared ? (latest) => cluster.announceEvents(newsOf(latest)) : undefined,
  });
  if (cluster.shared) events.attachRelay(new ClusterRelay(database.db, cluster, log));
  const feed = new EventFeed(new FeedRepository(database.db), log, config.eventRetention);
  feed.attachCluster(cluster);
  let given: Omit<RunRegistryDeps, "onIdle" | "leases"> | undefined;
  const runsFor = (deps: Omit<RunRegistryDeps, "onIdle" | "leases">, approvals: Approvals) => {
    given = deps;
    return clusteredRuns(deps, { cluster, events, approvals, config, database, log });
  };
  const forwardQueued = (runs: RunRegistry, chat: ChatRunStarter) => {
    const { runs: runRecords, starts, executor } = given!;
    const endRuns = (rows: readonly RunRow[], why: string) => executor.endInterrupted(rows, why);
    const endHere = endQueuedHere({ runs, events, endRuns });
    forwardQueuedRuns({ bus: cluster, runs, runRecords, starts, events, log, chat, endHere });
  };
  return { cluster, events, feed, runsFor, forwardQueued };
}

/** What the run registry needs on a shared database beyond a single instance's deps. */
interface ClusterRunDeps {
  cluster: ClusterBus;
  events: EventLog;
  approvals: Approvals;
  config: FloeConfig;
  database: OpenDatabase;
  log: Logger;
}

/**
 * The run registry. With several instances, each conversation's run is owned
 * through a lease (RunLeases), and an idle conversation's numbering is given
 * back before its lease is freed, so whichever instance runs it next numbers on.
 */
function clusteredRuns(deps: Omit<RunRegistryDeps, "onIdle" | "leases">, c: ClusterRunDeps): RunRegistry {
  if (!c.cluster.shared) return new RunRegistry(deps);
  const idle = (id: string) => runs.isIdle(id);
  const leases = new RunLeases({
    repo: new LeaseRepository(c.database.db),
    runRecords: deps.runs,
    owner: c.cluster.instanceId,
    leaseMs: c.config.leaseMs,
    now: Date.now,
    log: c.log,
    endRuns: (rows, why) => deps.executor.endInterrupted(rows, why),
    release: (id) => c.events.release(id, () => idle(id)),
    expireApprovals: (keep, why) => c.approvals.recover(keep, why),
    ended: async (row) => (await c.events.storedTerminal(row.conversation_id, row.id)) !== undefined,
  });
  const runs: RunRegistry = new RunRegistry({
    ...deps,
    leases,
    prepare: (id) => c.events.prepare(id),
    cancelElsewhere: (row, reason) => control.cancelElsewhere(row, reason),
    followElsewhere: (run) => remoteResult(c.events, deps.runs, run.conversationId, run.id),
    onIdle: (id, runId) =>
      c.events
        .release(id, () => idle(id))
        .then(() => (idle(id) ? leases.free(id, runId) : undefined))
        .catch((err: unknown) => c.log.warn({ err, conversationId: id }, "could not free an idle conversation")),
  });
  leases.attach(runs);
  const control = new ClusterControl(c.cluster, c.events, runs, c.approvals, c.log);
  control.start();
  return runs;
}

/**
 * Several instances: a queued start whose conversation runs on another
 * instance is handed to it (RunForwarding); nothing changes on SQLite.
 */
function forwardQueuedRuns(d: Omit<RunForwardingDeps, "sweepMs" | "adopt"> & { chat: ChatRunStarter }): void {
  const leases = d.runs.leases;
  if (!d.bus.shared || !(leases instanceof RunLeases)) return;
  const forwarding = new RunForwarding({ ...d, adopt: (row) => d.chat.adopt(row), sweepMs: 2_000 });
  forwarding.start();
  d.chat.attachForwarder((plan) => forwarding.forward(plan));
  leases.attachForwarding(forwarding);
}

/** A committed batch's latest seqs as the news the bus carries. */
function newsOf(latest: ReadonlyMap<string, number>): { conversationId: string; seq: number }[] {
  return [...latest].map(([conversationId, seq]) => ({ conversationId, seq }));
}
