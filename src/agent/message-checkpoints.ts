import type { ConversationRepository } from "../store/conversation-repository.js";

type Append = Pick<ConversationRepository, "appendMessage">;

/**
 * Runs the after-message hook (auto checkpoints) of one run in message
 * order without delaying its first token. The user message is stored
 * before the run starts, but its hook runs only just before the run's next
 * message is appended (or when the run ends): by then the first answer has
 * streamed, and the history still ends at the user message, so the
 * checkpoint holds exactly that. Each later hook waits for the one before.
 */
export function messageCheckpoints(hook: () => Promise<void>, conversations: Append) {
  let userMessagePending = true;
  let last: Promise<void> = Promise.resolve();
  const settle = async (): Promise<void> => {
    if (userMessagePending) {
      userMessagePending = false;
      last = hook();
    }
    await last;
  };
  return {
    /** What the agent loop appends through: the user message's hook first. */
    conversations: {
      appendMessage: async (...args: Parameters<Append["appendMessage"]>) => {
        await settle();
        return conversations.appendMessage(...args);
      },
    } satisfies Append,
    /** Called after each message the loop stores. */
    async afterMessage(): Promise<void> {
      await settle();
      last = hook();
      await last;
    },
    /** Called when the run ends: no hook is left behind. */
    settle,
  };
}
