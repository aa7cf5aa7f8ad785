import { type StreamResponse, TaskState } from "@a2a-js/sdk";
import {
  type Client,
  ClientFactory,
  ClientFactoryOptions,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
} from "@a2a-js/sdk/client";
import { ConnectError, Code } from "@connectrpc/connect";
import type { RemoteA2aAgent } from "../config/floe-config.js";
import { FLOE_HOPS, textMessage, textOf } from "../domain/a2a-parts.js";

/** How the `delegate` tool names a remote A2A agent: `a2a:<name>`. */
export const A2A_TARGET_PREFIX = "a2a:";

/** The remote agent an `agent_id` names, if it names one. */
export function remoteTarget(agentId: string): string | undefined {
  return agentId.startsWith(A2A_TARGET_PREFIX) ? agentId.slice(A2A_TARGET_PREFIX.length) : undefined;
}

/**
 * Delegation to the remote A2A agents of the config, with the A2A SDK's
 * client: the task goes out as message/stream, the remote task's progress
 * comes back through `progress` (the run's progress events), and its answer
 * is the tool result. Cancelling the run cancels the remote task.
 */
export class RemoteAgents {
  private readonly agents: Map<string, RemoteA2aAgent>;
  private readonly clients = new Map<string, Promise<Client>>();

  constructor(agents: readonly RemoteA2aAgent[]) {
    this.agents = new Map(agents.map((a) => [a.name, a]));
  }

  /** `hops`: the agent-to-agent hops this delegation makes, told to the remote server (a Floe server counts on). */
  async delegate(
    name: string,
    content: string,
    signal: AbortSignal,
    progress: (m: string) => void,
    hops = 1,
  ): Promise<string> {
    const client = await this.client(name);
    const label = `${A2A_TARGET_PREFIX}${name}`;
    const request = {
      tenant: "",
      message: textMessage("user", content, { metadata: { [FLOE_HOPS]: hops } }),
      configuration: undefined,
      metadata: undefined,
    };
    const seen = { taskId: "", answer: "", state: TaskState.TASK_STATE_UNSPECIFIED, note: "" };
    try {
      for await (const r of client.sendMessageStream(request, { signal })) follow(r, seen, label, progress);
    } catch (e) {
      if (signal.aborted && seen.taskId)
        await client.cancelTask({ tenant: "", id: seen.taskId, metadata: undefined }).catch(() => undefined);
      if (signal.aborted) throw signal.reason;
      throw new ConnectError(`remote agent ${label} failed: ${(e as Error).message}`, Code.Unavailable);
    }
    if (seen.state === TaskState.TASK_STATE_COMPLETED || seen.state === TaskState.TASK_STATE_UNSPECIFIED)
      return seen.answer || seen.note;
    return `remote agent ${label} ended ${stateName(seen.state)}: ${seen.note}`;
  }

  /** One client per agent, made from its card on first use (a failure is retried next time). */
  private client(name: string): Promise<Client> {
    const agent = this.agents.get(name);
    if (!agent) {
      const known = [...this.agents.keys()].map((n) => A2A_TARGET_PREFIX + n).join(", ") || "none configured";
      throw new ConnectError(
        `no remote A2A agent ${JSON.stringify(name)} in a2a_agents (known: ${known})`,
        Code.NotFound,
      );
    }
    let c = this.clients.get(name);
    if (!c) {
      c = connect(agent);
      this.clients.set(name, c);
      c.catch(() => this.clients.delete(name));
    }
    return c;
  }
}

function connect(agent: RemoteA2aAgent): Promise<Client> {
  const fetchImpl: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    for (const [k, v] of Object.entries(agent.headers)) if (!headers.has(k)) headers.set(k, v);
    return fetch(input, { ...init, headers });
  };
  // A remote agent may still speak A2A 0.3: the SDK's compatibility layer reads its card and talks to it.
  const legacyCompat = { enabled: true };
  const options = ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
    transports: [new JsonRpcTransportFactory({ fetchImpl, legacyCompat })],
    cardResolver: new DefaultAgentCardResolver({ fetchImpl, legacyCompat }),
  });
  const factory = new ClientFactory(options);
  if (agent.url.endsWith(".json")) return factory.createFromUrl(agent.url, "");
  // The card's path resolves against the URL: `<url>/.well-known/agent-card.json`, also below a path.
  return factory.createFromUrl(agent.url.endsWith("/") ? agent.url : `${agent.url}/`);
}

/** Folds one stream response into what is known of the remote task, and reports its progress. */
function follow(
  r: StreamResponse,
  seen: { taskId: string; answer: string; state: TaskState; note: string },
  label: string,
  progress: (m: string) => void,
): void {
  const p = r.payload;
  if (!p) return;
  if (p.$case === "task") {
    seen.taskId = p.value.id;
    seen.state = p.value.status?.state ?? seen.state;
    progress(`${label}: task ${p.value.id} ${stateName(seen.state)}`);
  } else if (p.$case === "statusUpdate") {
    seen.state = p.value.status?.state ?? seen.state;
    const text = textOf(p.value.status?.message?.parts);
    if (text) seen.note = text;
    progress(`${label}: ${stateName(seen.state)}${text ? `: ${text.slice(0, 200)}` : ""}`);
  } else if (p.$case === "artifactUpdate") {
    const text = textOf(p.value.artifact?.parts);
    seen.answer = p.value.append ? seen.answer + text : text;
  } else if (p.$case === "message") {
    seen.answer = textOf(p.value.parts);
    seen.state = TaskState.TASK_STATE_COMPLETED;
  }
}

function stateName(s: TaskState): string {
  return (TaskState[s] ?? String(s)).replace("TASK_STATE_", "").toLowerCase().replace("_", "-");
}
