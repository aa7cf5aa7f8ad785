import { setTimeout as sleep } from "node:timers/promises";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  type TelemetryService,
  type TelemetrySummary,
  TelemetrySummarySchema,
} from "../../gen/floe/v1/telemetry_pb.js";
import type { AppContext } from "./app-context.js";

const DEFAULT_INTERVAL_S = 2;
const MIN_INTERVAL_S = 0.1;
const MAX_INTERVAL_S = 3600;
const DONE = new Set(["completed", "max_iterations"]);

/** Per-agent activity and token use, from what is stored: the counts match the runs and messages made. */
export async function telemetrySummary(app: AppContext, agentId = ""): Promise<TelemetrySummary> {
  const [sent, runs, usage, done] = await Promise.all([
    app.work.sentBySender(),
    app.runRecords.countsByAgentAndStatus(),
    app.usage.breakdown(),
    app.tasks.doneCounts(),
  ]);
  const ids = new Set([...app.agents.list().map((a) => a.id), ...sent.keys(), ...usage.perAgent.keys()]);
  for (const r of runs) ids.add(r.agentId);
  for (const id of done.tasks.keys()) ids.add(id);
  const keep = (id: string) => !agentId || id === agentId;
  const agents: TelemetrySummary["agents"] = {};
  for (const id of [...ids].filter(keep)) {
    const doneRuns = runs.filter((r) => r.agentId === id && DONE.has(r.status)).reduce((n, r) => n + r.count, 0);
    // A task counts once, however many runs did its work.
    const tasks = doneRuns - (done.taskRuns.get(id) ?? 0) + (done.tasks.get(id) ?? 0);
    agents[id] = {
      $typeName: "floe.v1.AgentActivity",
      messagesSent: BigInt(sent.get(id) ?? 0),
      tasksCompleted: BigInt(tasks),
    };
  }
  const perAgent: Record<string, { prompt: bigint; completion: bigint }> = {};
  for (const [id, t] of usage.perAgent)
    if (keep(id)) perAgent[id] = { prompt: BigInt(t.prompt), completion: BigInt(t.completion) };
  const total = agentId
    ? (perAgent[agentId] ?? { prompt: 0n, completion: 0n })
    : { prompt: BigInt(usage.total.prompt), completion: BigInt(usage.total.completion) };
  return create(TelemetrySummarySchema, {
    agents,
    tokens: { total, perAgent },
    uptimeSeconds: BigInt(Math.floor((Date.now() - app.startedAt) / 1000)),
  });
}

/** The update interval in seconds: default 2, at least 0.1, at most an hour. */
export function telemetryInterval(seconds: number): number {
  if (seconds === 0) return DEFAULT_INTERVAL_S;
  if (!Number.isFinite(seconds) || seconds < MIN_INTERVAL_S || seconds > MAX_INTERVAL_S)
    throw new ConnectError(
      `interval must be between ${MIN_INTERVAL_S} and ${MAX_INTERVAL_S} seconds, got ${seconds}`,
      Code.InvalidArgument,
    );
  return seconds;
}

export function telemetryService(app: AppContext): ServiceImpl<typeof TelemetryService> {
  return {
    async getTelemetry(req) {
      return { telemetry: await telemetrySummary(app, req.agentId.trim()) };
    },
    async *watchTelemetry(req, ctx) {
      const ms = telemetryInterval(req.interval) * 1000;
      const agentId = req.agentId.trim();
      while (!ctx.signal.aborted) {
        yield { telemetry: await telemetrySummary(app, agentId) };
        await sleep(ms, undefined, { signal: ctx.signal }).catch(() => undefined);
      }
    },
  };
}
