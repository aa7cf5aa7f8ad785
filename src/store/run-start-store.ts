import type { Kysely } from "kysely";
import { ConversationRepository, type NewMessage } from "./conversation-repository.js";
import { RunRepository } from "./run-repository.js";
import type { Database, RunsTable } from "./schema.js";

/**
 * Event seqs a run may hand out on a conversation created with it: the
 * conversation's row reserves them in the same transaction (see SeqAllocator).
 */
export const FIRST_SEQ_RESERVATION = 1024;

/** The rows that make a run started. */
export interface RunStart {
  /** A conversation created with the run; absent when it exists already. */
  conversation?: { id: string; name: string; agentId: string; model: string };
  /** The user message; absent for a queued run, whose message is stored when its turn comes. */
  message?: NewMessage;
  run: RunsTable;
}

/**
 * The unit of work that starts a run: the conversation (when new), the user
 * message and the run row commit together or not at all, so a run that the
 * client was told about always has its conversation and message.
 */
export class RunStartStore {
  constructor(private readonly db: Kysely<Database>) {}

  async record(start: RunStart): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const conversations = new ConversationRepository(trx);
      const { conversation: c, message } = start;
      // A new conversation is created with its first message in two inserts (no counter update).
      if (c) await conversations.create(c.name, c.agentId, c.model, c.id, message, FIRST_SEQ_RESERVATION);
      else if (message) await conversations.appendMessage(start.run.conversation_id, message);
      await new RunRepository(trx).insert(start.run);
    });
  }

  /**
   * Stores a queued run's message in the history and clears it from the run
   * row, in one transaction (so a crash can neither lose nor repeat it); with
   * `status`, the run's status changes too (its turn came).
   */
  async storeQueuedMessage(runId: string, conversationId: string, message: NewMessage, status?: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await new ConversationRepository(trx).appendMessage(conversationId, message);
      await trx
        .updateTable("runs")
        .set({ message: "", ...(status ? { status } : {}) })
        .where("id", "=", runId)
        .execute();
    });
  }
}
