import type { AgentRegistry } from "../agent/agent-registry.js";
import type { Logger } from "../domain/logger.js";
import type { ClusterBus } from "../events/cluster-bus.js";

/** The control command that says an agent was registered, changed or removed. */
const AGENT_CHANGED = "agent";

/**
 * Several instances hold the agents in memory: each change one of them
 * stores is announced over the control channel, and the others read that
 * agent again. An agent created, paused or deleted on one instance is so on
 * every instance. After the bus reconnects, every agent is read again, since
 * news may have been missed. Nothing changes on SQLite (one instance).
 */
export function shareAgentChanges(bus: ClusterBus, agents: AgentRegistry, log: Logger): void {
  if (!bus.shared) return;
  agents.onChange((agentId) => void bus.sendControl({ type: AGENT_CHANGED, fields: { agentId } }));
  bus.onControl((m) => {
    const agentId = m.fields.agentId ?? "";
    if (m.type !== AGENT_CHANGED || m.origin === bus.instanceId || !agentId) return;
    agents.refresh(agentId).catch((err: unknown) => log.warn({ err, agentId }, "could not read a changed agent"));
  });
  bus.onResync(() => {
    agents.refreshAll().catch((err: unknown) => log.warn({ err }, "could not read the agents again"));
  });
}
