import type { JsonObject } from "@bufbuild/protobuf";
import type { ModelConfig } from "../../gen/floe/v1/common_pb.js";
import type { AgentProfile } from "../domain/agent-profile.js";
import type { PermissionDecision, PermissionRequest } from "../security/permission-gate.js";
import type { NewMessage } from "../store/conversation-repository.js";
import type { Tool } from "./tools/tool.js";

/**
 * Decides a tool call that the permission gate answered with `ask`; the call
 * waits until it resolves. `stored` is called once the request can be
 * answered (stored), before the wait: the `approval_required` event goes out
 * then, so a client answering it at once finds the request.
 */
export type ApprovalHook = (
  request: PermissionRequest & { approvalId: string; reason: string; expiresAt?: string },
  signal: AbortSignal,
  stored?: () => void,
) => Promise<PermissionDecision>;

/**
 * The points where later capabilities attach to the one run engine. None of
 * them is a capability here: each is a plain parameter of a run.
 */
export interface RunSeams {
  /**
   * Delegation: the run that started this one. Its start event names the
   * parent, so a parent's stream can follow its children.
   */
  parentRunId?: string;
  /**
   * Task time limits: epoch milliseconds after which the run is stopped. It
   * then ends with an `error` event whose code is `deadline_exceeded`
   * (a cancel ends with `cancelled`).
   */
  deadline?: number;
  /**
   * Approvals: called when the permission gate answers `ask`. The executor
   * emits `approval_required`, waits for the decision, emits
   * `approval_resolved`, then runs or refuses the tool. Without a hook an
   * `ask` is a denial: nothing runs that a human was meant to approve.
   */
  awaitDecision?: ApprovalHook;
  /**
   * Multi-agent: the agents from the outermost delegator to this run's agent.
   * Every event of the run carries it when it is longer than one.
   */
  agentPath?: string[];
  /** Why the run started; its start event says so (default: a chat). */
  cause?: RunCause;
  /**
   * How many agent-to-agent messages led to this run: each `send_message`
   * adds one, and a chain stops at a limit, so two agents cannot wake each
   * other forever.
   */
  messageHops?: number;
  /** The name of the API key whose call started the run: the audit log records it. */
  keyName?: string;
}

/** Why a run started (floe.v1.RunCause). */
export interface RunCause {
  kind: "chat" | "delegated" | "message" | "human_reply" | "coordinator" | "task";
  fromAgent?: string;
  messageId?: string;
  /** The channel and message type the run's user message is stored with. */
  channel?: string;
  messageType?: string;
}

/** Everything a run needs, validated and resolved by ChatService before the engine sees it. */
export interface RunPlan {
  runId: string;
  conversationId: string;
  /** The conversation is created with the run's first rows. */
  newConversation: boolean;
  profile: AgentProfile;
  model: ModelConfig;
  /** The tools the agent is offered. */
  tools: Tool[];
  /** Every tool path is confined to this directory. */
  root: string;
  text: string;
  /** `data:` URL of the image for vision models, or empty. */
  imageDataUrl: string;
  contextFiles: { path: string; content: string }[];
  context: JsonObject | undefined;
  maxIterations: number;
  includeReasoning: boolean;
  requestId: string;
  /** Hash of the request, compared when its request id is reused. */
  requestHash: string;
  /** Queue behind an active run instead of failing. */
  queue: boolean;
  /** The conversation's latest seq before this run: its stream starts after it. */
  afterSeq: number;
  startedAt: string;
  seams: RunSeams;
  /** A queued run's request, stored with it so that any instance can build it (see QueuedRequest). */
  storedRequest?: string;
  /**
   * The run's rows exist already: a queued run adopted from another instance,
   * or taken over from one that died. It starts as a queued run whose turn came.
   */
  adopted?: boolean;
}

/** The user message a run stores: when it starts, or when its queued turn comes. */
export function userMessageOf(plan: RunPlan): NewMessage {
  const cause = plan.seams.cause;
  return {
    role: "user",
    content: plan.text,
    agentId: plan.profile.id,
    metadata: plan.context ?? {},
    channel: cause?.channel ?? "",
    messageType: cause?.messageType ?? "message",
  };
}
