import { randomUUID } from "node:crypto";
import { create, fromJsonString } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { type ChatRequest, SendMessageResponseSchema } from "../../gen/floe/v1/chat_pb.js";
import type { ModelRegistry } from "../agent/model-registry.js";
import { isHeldElsewhere } from "../agent/conversation-leases.js";
import type { RunHandle } from "../agent/run.js";
import type { ApprovalHook, RunPlan, RunSeams } from "../agent/run-plan.js";
import type { RunRegistry } from "../agent/run-registry.js";
import { toolsFor } from "../agent/tools/tool-registry.js";
import type { Tool } from "../agent/tools/tool.js";
import type { RuntimeConfig } from "../config/runtime-config.js";
import type { AgentProfile } from "../domain/agent-profile.js";
import type { EventLog } from "../events/event-log.js";
import { validConversationId } from "../store/conversation-id.js";
import type { ConversationRepository } from "../store/conversation-repository.js";
import type { RunRepository, RunRow } from "../store/run-repository.js";
import { agentFor, attachmentsOf, modelFor, requestHash, validateChat } from "./chat-request.js";
import { decodeQueuedRequest, encodeQueuedRequest } from "./queued-request.js";

export interface ChatRunStarterDeps {
  runtime: RuntimeConfig;
  models: ModelRegistry;
  conversations: ConversationRepository;
  events: EventLog;
  runs: RunRegistry;
  runRecords: RunRepository;
  profiles: (agentId: string) => AgentProfile | undefined;
  /** The approval seam every run gets unless its caller passes its own. */
  approver?: ApprovalHook;
  /** The tools a run of this agent is offered (built-in and MCP); default: its built-in `default_tools`. */
  toolsOf?: (profile: AgentProfile) => Tool[];
}

type Checked = ReturnType<typeof validateChat> & { profile: AgentProfile };

/**
 * ChatService's rules for starting a run: the request is validated, a reused
 * request id answers with its run, and the conversation is chosen or
 * created. Then the run registry starts the run. Anything that starts a run
 * (a chat, and later a delegation or a task) comes through here, passing its
 * seams: a parent run, a deadline, an approver.
 */
export class ChatRunStarter {
  private forward?: (plan: RunPlan) => Promise<RunHandle>;

  constructor(private readonly deps: ChatRunStarterDeps) {}

  /** Several instances: hands a queued start to the instance executing its conversation (bound late). */
  attachForwarder(forward: (plan: RunPlan) => Promise<RunHandle>): void {
    this.forward = forward;
  }

  async start(chat: ChatRequest, seams: RunSeams = {}): Promise<RunHandle> {
    // Bad input and an unknown agent are refused before a request id is looked up.
    const checked = this.check(chat);
    const requestId = chat.requestId.trim();
    // Only a request id is ever compared with its payload.
    const hash = requestId ? requestHash(chat) : "";
    if (requestId) {
      const replayed = await this.replay(requestId, hash);
      if (replayed) return replayed;
    }
    return this.startOrReplay(requestId, hash, await this.planFor(chat, seams, randomUUID(), hash, checked));
  }

  /**
   * Starts a queued run whose rows another instance wrote (it forwarded the
   * start here, or died with it queued): built from its stored request.
   */
  async adopt(row: RunRow): Promise<RunHandle> {
    const { chat, seams } = decodeQueuedRequest(row.request);
    const plan = await this.planFor(chat, seams, row.id, row.request_hash, this.check(chat));
    return this.deps.runs.start({ ...plan, adopted: true, startedAt: row.created_at });
  }

  /** The request's text and iteration limit, and its agent; bad input and an unknown or paused agent are refused. */
  private check(chat: ChatRequest): Checked {
    return { ...validateChat(chat), profile: agentFor(chat, this.deps.profiles) };
  }

  private async planFor(
    chat: ChatRequest,
    seams: RunSeams,
    runId: string,
    hash: string,
    { text, maxIterations, profile }: Checked,
  ): Promise<RunPlan> {
    const d = this.deps;
    const requestId = chat.requestId.trim();
    const model = modelFor(chat, profile, d.models);
    const root = d.runtime.activeRoot;
    const { imageDataUrl, contextFiles } = attachmentsOf(chat, model, root, d.runtime.snapshot.workspaceRoot);
    const { conversationId, isNew } = await this.conversationFor(chat);
    // Checked again after the awaits: an agent deleted or paused meanwhile takes no run.
    agentFor(chat, d.profiles);
    return {
      runId,
      conversationId,
      newConversation: isNew,
      profile,
      model,
      tools: d.toolsOf?.(profile) ?? toolsFor(profile.defaultTools),
      root,
      text,
      imageDataUrl,
      contextFiles,
      context: chat.context,
      maxIterations,
      includeReasoning: chat.includeReasoning,
      requestId,
      requestHash: hash,
      queue: chat.queue,
      afterSeq: d.events.latestSeq(conversationId),
      startedAt: new Date().toISOString(),
      // Hops another server's agents made before this request count on here.
      seams: { awaitDecision: d.approver, ...seams, messageHops: Math.max(seams.messageHops ?? 0, chat.messageHops) },
      storedRequest: chat.queue ? encodeQueuedRequest(chat, seams) : undefined,
    };
  }

  /**
   * Starts the run; when its rows could not be written because the same
   * request id was stored meanwhile (another instance, or a concurrent send,
   * won the database's unique index), answers as the replay of that run.
   */
  private async startOrReplay(requestId: string, hash: string, plan: RunPlan): Promise<RunHandle> {
    try {
      return await this.deps.runs.start(plan);
    } catch (e) {
      // Another instance executes the conversation: a queued start is queued there.
      if (isHeldElsewhere(e) && plan.queue && this.forward) return this.forwardOrReplay(plan);
      const replayed = requestId ? await this.replay(requestId, hash) : undefined;
      if (replayed) return replayed;
      throw e;
    }
  }

  /** Forwards a queued start; the same request id stored meanwhile (sent to two instances) answers as its replay. */
  private async forwardOrReplay(plan: RunPlan): Promise<RunHandle> {
    try {
      return await this.forward!(plan);
    } catch (e) {
      const replayed = plan.requestId ? await this.replay(plan.requestId, plan.requestHash) : undefined;
      if (replayed) return replayed;
      throw e;
    }
  }

  /** The run a reused request id names; AlreadyExists when the payload differs. */
  private async replay(requestId: string, hash: string): Promise<RunHandle | undefined> {
    const existing = await this.deps.runRecords.byRequestId(requestId);
    if (!existing) return undefined;
    if (existing.request_hash !== hash) {
      throw new ConnectError(
        `request_id ${JSON.stringify(requestId)} was already used for a different request; use a new request_id`,
        Code.AlreadyExists,
      );
    }
    const live = this.deps.runs.find(existing.id);
    if (live) return { ...handleOf(live), replayed: true };
    const result = existing.result
      ? fromJsonString(SendMessageResponseSchema, existing.result)
      : create(SendMessageResponseSchema, {
          runId: existing.id,
          conversationId: existing.conversation_id,
          status: existing.status,
        });
    return {
      id: existing.id,
      conversationId: existing.conversation_id,
      agentId: existing.agent_id,
      startedAt: existing.created_at,
      replayed: true,
      afterSeq: 0,
      done: Promise.resolve(result),
    };
  }

  /** The request's conversation, prepared for its events; a new one when it names none. */
  private async conversationFor(chat: ChatRequest): Promise<{ conversationId: string; isNew: boolean }> {
    const { conversations, events } = this.deps;
    const requested = chat.conversationId.trim();
    if (!requested) {
      const conversationId = randomUUID();
      events.prepareNew(conversationId);
      return { conversationId, isNew: true };
    }
    const conversationId = validConversationId(requested);
    const exists = (await conversations.get(conversationId)) !== undefined;
    if (!exists && !chat.createConversation) {
      throw new ConnectError(
        `conversation ${JSON.stringify(conversationId)} not found: omit conversation_id to start a new one`,
        Code.NotFound,
      );
    }
    // A conversation created with its run starts its log fresh, with the seqs its row reserves.
    // Several instances: it is numbered where its run executes, which the registry's claim settles.
    if (exists) await (this.deps.runs.leases ? events.prepareToRead(conversationId) : events.prepare(conversationId));
    else events.prepareNew(conversationId);
    return { conversationId, isNew: !exists };
  }
}

function handleOf(h: RunHandle): RunHandle {
  const { id, conversationId, agentId, startedAt, done, replayed, afterSeq } = h;
  return { id, conversationId, agentId, startedAt, done, replayed, afterSeq };
}
