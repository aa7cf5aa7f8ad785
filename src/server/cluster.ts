import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { RunRegistry, type RunRegistryDeps } from "../agent/run-registry.js";
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
  const id = newInstanceId();
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
): { cluster: ClusterBus; events: EventLog; feed: EventFeed } {
  const cluster = clusterBus(config, database, log);
  const events = new EventLog(database.db, log, {
    flushIntervalMs: 20,
    maxBatch: 500,
    retention: config.eventRetention,
    onStored: cluster.shared ? (latest) => cluster.announceEvents(newsOf(latest)) : undefined,
  });
  if (cluster.shared) events.attachRelay(new ClusterRelay(database.db, cluster, log));
  const feed = new EventFeed(new FeedRepository(database.db), log, config.eventRetention);
  return { cluster, events, feed };
}

/** The run registry; with several instances, an idle conversation's numbering is given back, so whichever instance runs it next numbers on. */
export function clusteredRuns(
  deps: Omit<RunRegistryDeps, "onIdle">,
  cluster: ClusterBus,
  events: EventLog,
): RunRegistry {
  if (!cluster.shared) return new RunRegistry(deps);
  const idle = (id: string) => runs.activeRuns(id).length === 0;
  const runs: RunRegistry = new RunRegistry({
    ...deps,
    onIdle: (id) => void events.release(id, () => idle(id)).catch(() => undefined),
  });
  return runs;
}

/** A committed batch's latest seqs as the news the bus carries. */
export function newsOf(latest: ReadonlyMap<string, number>): { conversationId: string; seq: number }[] {
  return [...latest].map(([conversationId, seq]) => ({ conversationId, seq }));
}
