import { Code, ConnectError } from "@connectrpc/connect";
import type { AgentRegistry } from "../agent/agent-registry.js";
import type { AgentRecord } from "../store/agent-repository.js";

/** The agents of each coordinator role, and whose turn it is. */
export class RoleRoster {
  private readonly turns = new Map<string, number>();

  constructor(private readonly agents: AgentRegistry) {}

  /** The agents of a role that can take work; NotFound or FailedPrecondition otherwise. */
  ready(role: string): AgentRecord[] {
    const all = this.agents.withRole(role);
    if (all.length === 0) {
      throw new ConnectError(
        `role ${JSON.stringify(role)} has no agents: register one with POST /api/v1/agents/{id}/register`,
        Code.NotFound,
      );
    }
    const ready = all.filter((a) => a.active && !a.paused);
    if (ready.length === 0) {
      const ids = all.map((a) => a.id).join(", ");
      throw new ConnectError(
        `every agent of role ${JSON.stringify(role)} is paused or inactive: ${ids}`,
        Code.FailedPrecondition,
      );
    }
    return ready;
  }

  /** The next agent of a role, in turn. */
  next(role: string): AgentRecord {
    const ready = this.ready(role);
    const i = this.turns.get(role) ?? 0;
    this.turns.set(role, i + 1);
    return ready[i % ready.length]!;
  }
}
