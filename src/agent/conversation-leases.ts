/**
 * Ownership of conversations among instances sharing a database: the
 * instance executing a conversation's run holds its lease. Absent with a
 * single instance (SQLite), where the in-process registry is the whole truth.
 */
export interface ConversationLeases {
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
  /** Starts renewing this instance's leases and sweeping for expired ones. */
  start(): void;
  /** Stops, and frees what this instance holds (its runs have ended). */
  stop(): Promise<void>;
}
