import { randomUUID } from "node:crypto";
import { create, type JsonObject } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ChatRequestSchema, type SendMessageResponse } from "../../gen/floe/v1/chat_pb.js";
import { EventSchema } from "../../gen/floe/v1/events_pb.js";
import type { AgentRegistry } from "../agent/agent-registry.js";
import type { RunHandle } from "../agent/run.js";
import type { RunCause } from "../agent/run-plan.js";
import type { RunRegistry } from "../agent/run-registry.js";
import type { AgentOps, ToolCaller } from "../agent/tools/tool.js";
import type { EventFeed } from "../events/event-feed.js";
import type { BusRepository } from "../store/bus-repository.js";
import { type RemoteAgents, remoteTarget } from "./a2a-delegation.js";
import type { ChatRunStarter } from "./chat-run-starter.js";
import { agentFor } from "./chat-request.js";
import { invalidField, invalidValue } from "./request-errors.js";

export const HUMAN = "human";
export const COORDINATOR = "coordinator";
/** The sender of messages the GitHub webhook routes. */
export const GITHUB = "github";
const SYSTEM_SENDERS = new Set([HUMAN, COORDINATOR, GITHUB]);
export const MESSAGE_TYPES = new Set(["message", "action", "status"]);
/** Delegations nest at most this deep. */
const MAX_DELEGATION_DEPTH = 8;
/** Agent-to-agent messages in a row, at most: agents that keep waking each other are stopped. */
export const MAX_MESSAGE_HOPS = 8;

export interface BusMessage {
  /** The API key behind the message, carried to the run it causes. */
  keyName?: string;
  /** Agent-to-agent messages that led to this one (0 from a person or the API). */
  hops?: number;
  sender: string;
  recipient: string;
  content: string;
  messageType: string;
  channel: string;
  metadata?: JsonObject;
}

export interface Delegation {
  childId: string;
  content: string;
  parent: string;
  channel: string;
  metadata?: JsonObject;
  /** The parent's live run: cancelling it cancels the child's. */
  parentRunId: string;
  /** Agent-to-agent messages that led to the parent's run. */
  messageHops?: number;
  /** The delegation path above the child. */
  pathAbove: string[];
  reportToParent: boolean;
  /** The API key behind the delegation, carried to the child's run. */
  keyName?: string;
}

export interface AgentWorkDeps {
  agents: AgentRegistry;
  chat: ChatRunStarter;
  bus: BusRepository;
  feed: EventFeed;
  runs: RunRegistry;
  /** The remote A2A agents of the config. */
  remote?: RemoteAgents;
}

/**
 * Multi-agent work: delegations, messages between agents and to the human.
 * Every run it starts goes through ChatRunStarter, with its seams (parent
 * run, agent path, cause); it never calls a model itself. The agent tools
 * reach it as AgentOps.
 */
export class AgentWork implements AgentOps {
  constructor(private readonly d: AgentWorkDeps) {}

  /** Starts the child's run in a new session of the child's, so that a waiting parent can never wait on itself. */
  async delegateTask(t: Delegation): Promise<RunHandle> {
    const { agents } = this.d;
    agents.require(t.parent);
    agents.require(t.childId);
    const path = [...(t.pathAbove.length ? t.pathAbove : [t.parent]), t.childId];
    if (t.pathAbove.includes(t.childId) || t.childId === t.parent)
      throw new ConnectError(
        `delegation cycle: ${path.join(" -> ")}; an agent cannot delegate to itself or to an agent above it`,
        Code.FailedPrecondition,
      );
    if (path.length > MAX_DELEGATION_DEPTH + 1)
      throw new ConnectError(
        `delegation too deep: ${path.join(" -> ")} (at most ${MAX_DELEGATION_DEPTH} levels)`,
        Code.FailedPrecondition,
      );
    const chat = create(ChatRequestSchema, {
      text: `Task delegated by agent ${t.parent}${t.channel ? ` on channel ${t.channel}` : ""}:\n${t.content}`,
      agentId: t.childId,
      context: t.metadata,
    });
    const cause: RunCause = { kind: "delegated", fromAgent: t.parent, channel: t.channel };
    const handle = await this.d.chat.start(chat, {
      parentRunId: t.parentRunId || undefined,
      agentPath: path,
      cause,
      messageHops: t.messageHops,
      keyName: t.keyName,
    });
    if (t.reportToParent) void handle.done.then((r) => this.report(t, r));
    return handle;
  }

  /** Messages sent, per sender. */
  sentBySender(): Promise<Map<string, number>> {
    return this.d.bus.sentBySender();
  }

  /** Cancels a run this work started. */
  async cancel(runId: string): Promise<void> {
    await this.d.runs.cancel(runId, "", "the caller went away").catch(() => undefined);
  }

  /** The child's answer reaches the parent as a `status` message, which wakes the parent. */
  private async report(t: Delegation, r: SendMessageResponse): Promise<void> {
    const content =
      r.status === "completed" || r.status === "max_iterations"
        ? r.response
        : `the delegated task ended with status ${r.status}: ${r.error?.message ?? ""}`;
    await this.route({
      sender: t.childId,
      recipient: t.parent,
      content,
      messageType: "status",
      channel: t.channel,
    }).catch(() => undefined);
  }

  /**
   * Stores a message and publishes it on the feed. A message to an agent
   * wakes it: a run in its main conversation, queued behind its current
   * work. A message to the human is also published as `human_message`.
   */
  async route(m: BusMessage, kind: RunCause["kind"] = "message"): Promise<{ id: string; run?: RunHandle }> {
    const msg = validMessage(m);
    const toHuman = msg.recipient === HUMAN;
    if (!toHuman) this.d.agents.require(msg.recipient);
    if (!SYSTEM_SENDERS.has(msg.sender) && !this.d.agents.get(msg.sender))
      throw invalidValue("sender", `names no agent: ${JSON.stringify(msg.sender)} (an agent id, or "human")`);
    // Refused before anything is stored: a paused or inactive agent takes no message.
    if (!toHuman) agentFor(create(ChatRequestSchema, { agentId: msg.recipient }), (a) => this.d.agents.profile(a));
    const id = randomUUID();
    const now = new Date().toISOString();
    await this.d.bus.insert({
      id,
      sender: msg.sender,
      recipient: msg.recipient,
      content: msg.content,
      message_type: msg.messageType,
      channel: msg.channel,
      metadata: JSON.stringify(msg.metadata ?? {}),
      run_id: "",
      created_at: now,
    });
    // Published before the run it causes, so the feed shows the message first.
    await this.publish(msg, now);
    if (toHuman) return { id };
    const run = await this.wake(msg, id, kind);
    await this.d.bus.setRun(id, run.id);
    return { id, run };
  }

  /** A run of the recipient in its main conversation, queued behind its current work. */
  private async wake(msg: BusMessage, messageId: string, kind: RunCause["kind"]): Promise<RunHandle> {
    const conversationId = await this.d.agents.mainConversation(msg.recipient);
    const from = msg.sender === HUMAN ? "the human" : `agent ${msg.sender}`;
    const what = msg.messageType === "message" ? "Message" : `${msg.messageType} message`;
    const chat = create(ChatRequestSchema, {
      text: `${what} from ${from}${msg.channel ? ` on channel ${msg.channel}` : ""}:\n${msg.content}`,
      agentId: msg.recipient,
      conversationId,
      queue: true,
      context: msg.metadata,
    });
    return this.d.chat.start(chat, {
      cause: { kind, fromAgent: msg.sender, messageId, channel: msg.channel, messageType: msg.messageType },
      messageHops: msg.hops ?? 0,
      keyName: msg.keyName,
    });
  }

  private async publish(msg: BusMessage, timestamp: string): Promise<void> {
    const agents = [msg.sender, msg.recipient];
    const base = { agents, channel: msg.channel, messageType: msg.messageType };
    const { sender, recipient, content, messageType, channel, metadata } = msg;
    await this.d.feed.publish({
      ...base,
      type: "bus.message",
      event: create(EventSchema, {
        agentId: sender,
        timestamp,
        kind: { case: "busMessage", value: { sender, recipient, content, messageType, channel, metadata } },
      }),
    });
    if (recipient !== HUMAN) return;
    await this.d.feed.publish({
      ...base,
      type: "human_message",
      event: create(EventSchema, {
        agentId: sender,
        timestamp,
        kind: { case: "humanMessage", value: { sender, content, messageType, channel } },
      }),
    });
  }

  async delegate(
    from: ToolCaller,
    a: { agentId: string; content: string; wait: boolean },
    signal: AbortSignal,
    progress: (message: string) => void = () => {},
  ): Promise<string> {
    const remote = remoteTarget(a.agentId);
    if (remote !== undefined) {
      if (!this.d.remote) return "remote A2A agents are not available on this server";
      const hops = from.messageHops + 1;
      // Servers whose agents delegate to each other: the count travels with the task, and the chain stops.
      if (hops > MAX_MESSAGE_HOPS)
        return `not delegated to ${a.agentId}: ${from.messageHops} agent-to-agent hops led here (at most ${MAX_MESSAGE_HOPS}); answer with what you have`;
      return this.d.remote.delegate(remote, a.content, signal, progress, hops);
    }
    const handle = await this.delegateTask({
      childId: a.agentId,
      content: a.content,
      parent: from.agentId,
      channel: "",
      parentRunId: from.runId,
      pathAbove: from.agentPath,
      reportToParent: false,
      messageHops: from.messageHops,
      keyName: from.keyName,
    });
    if (!a.wait) return `delegated to ${a.agentId}: run ${handle.id} started`;
    // The child is cancelled with this run (see RunRegistry), so its result always comes.
    const r = await handle.done;
    if (r.status === "completed" || r.status === "max_iterations") return r.response;
    return `agent ${a.agentId} did not finish the task (${r.status}): ${r.error?.message ?? ""}`;
  }

  async sendMessage(
    from: ToolCaller,
    m: { recipient: string; content: string; messageType: string; channel: string },
  ): Promise<string> {
    if (m.recipient === from.agentId) return "an agent cannot send a message to itself";
    const hops = from.messageHops + 1;
    if (hops > MAX_MESSAGE_HOPS)
      return `not sent: ${MAX_MESSAGE_HOPS} agent-to-agent messages in a row already led here; answer instead of messaging`;
    const { id, run } = await this.route({ ...m, sender: from.agentId, hops, keyName: from.keyName });
    return `message ${id} sent to ${m.recipient}${run ? ` (run ${run.id})` : ""}`;
  }
}

/** A message with its defaults, or InvalidArgument. */
export function validMessage(m: BusMessage): BusMessage {
  const content = m.content.trim();
  if (!content) throw invalidField("content", "is required: send the message text");
  const recipient = m.recipient.trim();
  if (!recipient) throw invalidField("recipient", 'is required: an agent id or "human"');
  const messageType = m.messageType.trim() || "message";
  if (!MESSAGE_TYPES.has(messageType))
    throw invalidValue("message_type", `must be message, action or status, got ${JSON.stringify(messageType)}`);
  if (m.metadata && !finiteJson(m.metadata))
    throw invalidValue("metadata", "holds a number JSON cannot carry (Infinity or NaN)");
  return {
    ...m,
    content: m.content,
    recipient,
    messageType,
    channel: m.channel.trim(),
    sender: m.sender.trim() || HUMAN,
  };
}

/** Whether every number in a JSON value is finite (binary Struct values may hold Infinity or NaN). */
function finiteJson(v: unknown): boolean {
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(finiteJson);
  if (typeof v === "object" && v !== null) return Object.values(v).every(finiteJson);
  return true;
}
