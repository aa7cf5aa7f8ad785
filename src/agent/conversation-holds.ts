import { refusals } from "./run-refusals.js";

/** Conversations held by something other than a run (a rollback), with what holds each. */
export class ConversationHolds {
  private readonly holders = new Map<string, string>();

  /** FailedPrecondition while the conversation is held. */
  refuseIfHeld(conversationId: string): void {
    const holder = this.holders.get(conversationId);
    if (holder) throw refusals.held(conversationId, holder);
  }

  /** Holds the conversation for `what` until the returned release is called. */
  hold(conversationId: string, what: string): () => void {
    this.refuseIfHeld(conversationId);
    this.holders.set(conversationId, what);
    return () => void this.holders.delete(conversationId);
  }
}
