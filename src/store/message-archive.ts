import type { Kysely, Selectable } from "kysely";
import { insertRows } from "./insert-rows.js";
import type { ConversationsTable, Database, MessagesTable } from "./schema.js";

type MessageRow = Selectable<MessagesTable>;

/** A checkpoint's history as it is stored now: a live prefix, then messages to bring back from the archive. */
export interface StoredHistory {
  /** Live messages 1..keep belong to it. */
  keep: number;
  /** Archived messages after those, in order. */
  restore: MessageRow[];
}

/**
 * Moves messages between a conversation's history and the archive. A
 * rollback archives the messages after the checkpoint instead of deleting
 * them, each with the id of the message before it, so that a later
 * checkpoint (the rollback's safety checkpoint among them) finds its
 * history again by walking back from its last message. Each message is
 * stored once: live or archived.
 */
export class MessageArchive {
  constructor(private readonly db: Kysely<Database>) {}

  /** Where a checkpoint's history is now; undefined when part of it was collected. */
  async historyOf(
    conversationId: string,
    messageCount: number,
    lastMessageId: string,
  ): Promise<StoredHistory | undefined> {
    if (messageCount === 0 || !lastMessageId) return { keep: 0, restore: [] };
    const archived = new Map(
      (
        await this.db
          .selectFrom("archived_messages")
          .selectAll()
          .where("conversation_id", "=", conversationId)
          .execute()
      ).map((r) => [r.id, r]),
    );
    const chain: MessageRow[] = [];
    let id = lastMessageId;
    for (;;) {
      const a = archived.get(id);
      if (a) {
        chain.push(JSON.parse(a.message) as MessageRow);
        if (!a.prev_id) return { keep: 0, restore: chain.reverse() };
        id = a.prev_id;
        continue;
      }
      const live = await this.db
        .selectFrom("messages")
        .select("position")
        .where("id", "=", id)
        .where("conversation_id", "=", conversationId)
        .executeTakeFirst();
      return live ? { keep: Number(live.position), restore: chain.reverse() } : undefined;
    }
  }

  /** Every message of a stored history, in order. */
  async rowsOf(conversationId: string, h: StoredHistory): Promise<MessageRow[]> {
    const live = await this.db
      .selectFrom("messages")
      .selectAll()
      .where("conversation_id", "=", conversationId)
      .where("position", "<=", h.keep)
      .orderBy("position")
      .execute();
    return [...live, ...h.restore];
  }

  /** Makes `h` the conversation's history: later live messages go to the archive, archived ones come back. */
  async restore(conversationId: string, h: StoredHistory, now: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const tail = await trx
        .selectFrom("messages")
        .selectAll()
        .where("conversation_id", "=", conversationId)
        .where("position", ">=", h.keep)
        .orderBy("position")
        .execute();
      const moved = tail.filter((m) => Number(m.position) > h.keep);
      let prev = tail.find((m) => Number(m.position) === h.keep)?.id ?? "";
      const archived = moved.map((m) => {
        const row = {
          id: m.id,
          conversation_id: conversationId,
          prev_id: prev,
          message: JSON.stringify(m),
          archived_at: now,
        };
        prev = m.id;
        return row;
      });
      for (let i = 0; i < archived.length; i += 100)
        await insertRows(trx, "archived_messages", archived.slice(i, i + 100));
      await trx
        .deleteFrom("messages")
        .where("conversation_id", "=", conversationId)
        .where("position", ">", h.keep)
        .execute();
      const back = h.restore.map((m, i) => ({ ...m, conversation_id: conversationId, position: h.keep + i + 1 }));
      for (let i = 0; i < back.length; i += 50) await insertRows(trx, "messages", back.slice(i, i + 50));
      const ids = back.map((m) => m.id);
      for (let i = 0; i < ids.length; i += 500)
        await trx
          .deleteFrom("archived_messages")
          .where("id", "in", ids.slice(i, i + 500))
          .execute();
      const count = h.keep + back.length;
      await trx
        .updateTable("conversations")
        .set({ message_count: count, updated_at: now })
        .where("id", "=", conversationId)
        .execute();
      return count;
    });
  }

  /** A new conversation holding copies (new ids) of `rows`. */
  async copyInto(
    conv: Omit<ConversationsTable, "message_count" | "last_seq" | "reserved_seq">,
    rows: MessageRow[],
    newId: () => string,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await insertRows(trx, "conversations", [{ ...conv, message_count: rows.length, last_seq: 0, reserved_seq: 0 }]);
      const copies = rows.map((m, i) => ({ ...m, id: newId(), conversation_id: conv.id, position: i + 1 }));
      for (let i = 0; i < copies.length; i += 50) await insertRows(trx, "messages", copies.slice(i, i + 50));
    });
  }

  /** Deletes archived messages no checkpoint's history reaches; returns how many. */
  async collectGarbage(): Promise<number> {
    const rows = await this.db.selectFrom("archived_messages").select(["id", "prev_id"]).execute();
    if (rows.length === 0) return 0;
    const prevOf = new Map(rows.map((r) => [r.id, r.prev_id]));
    const reached = new Set<string>();
    for (const c of await this.db.selectFrom("checkpoints").select("last_message_id").execute()) {
      let id: string | undefined = c.last_message_id;
      while (id && prevOf.has(id) && !reached.has(id)) {
        reached.add(id);
        id = prevOf.get(id);
      }
    }
    const dead = rows.map((r) => r.id).filter((id) => !reached.has(id));
    for (let i = 0; i < dead.length; i += 500)
      await this.db
        .deleteFrom("archived_messages")
        .where("id", "in", dead.slice(i, i + 500))
        .execute();
    return dead.length;
  }
}
