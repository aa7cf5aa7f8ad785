import { Code, ConnectError } from "@connectrpc/connect";

/**
 * Ownership of conversations among instances sharing a database: the
 * instance executing a conversation's run holds its lease. Absent with a
 * single instance (SQLite), where the in-process registry is the whole truth.
 */
export interface ConversationLeases {
  /** This instance's id: the owner named in its leases. */
  readonly owner: string;
  /** Takes the conversation for a run starting here; FailedPrecondition when another instance holds it. */
  claim(conversationId: string, runId: string): Promise<void>;
  /** The conversation's next (queued) run starts here: the lease names it. */
  handoff(conversationId: string, runId: string): void;
  /** The conversation has no live run here any more. */
  free(conversationId: string, runId: string): Promise<void>;
  /** Ends the open runs no live instance owns (startup): each with one terminal event. */
  recover(): Promise<void>;
  /** Conversations some instance holds now: their runs and pending approvals are alive. */
  liveConversations(): Promise<Set<string>>;
  /** The run that holds a conversation's lease, on any instance. */
  heldRun(conversationId: string): Promise<string | undefined>;
  /**
   * End of a drain: these runs, queued here, are left to the other instances
   * (their rows hold their requests); one of them runs each once the
   * conversation is free.
   */
  handOn(runIds: readonly string[]): Promise<void>;
  /** Starts renewing this instance's leases and sweeping for expired ones. */
  start(): void;
  /** Stops, and frees what this instance holds (its runs have ended). */
  stop(): Promise<void>;
}

/**
 * The refusal of a claim: another instance executes the conversation's run.
 * A queued start is then handed to that instance instead (see RunForwarding).
 */
export class HeldElsewhere extends ConnectError {
  /** connect-es makes `instanceof ConnectError` (and so of any subclass) true for every ConnectError: this tells them apart. */
  readonly heldElsewhere = true;

  constructor(
    readonly conversationId: string,
    readonly heldBy: string,
  ) {
    super(
      `conversation ${conversationId} already has an active run (${heldBy}) on another instance: ` +
        "wait for it to end or cancel it with CancelRun, or send with queue=true",
      Code.FailedPrecondition,
    );
  }
}

/** Whether `e` is the refusal of a claim because another instance holds the conversation. */
export function isHeldElsewhere(e: unknown): e is HeldElsewhere {
  return typeof e === "object" && e !== null && (e as { heldElsewhere?: unknown }).heldElsewhere === true;
}
