import { randomUUID } from "node:crypto";
import { create, type JsonObject } from "@bufbuild/protobuf";
import type { Kysely, Selectable } from "kysely";
import { type ChatMessage, ChatMessageSchema } from "../../gen/floe/v1/common_pb.js";
import { type Conversation, ConversationSchema } from "../../gen/floe/v1/conversation_pb.js";
import { insertRows } from "./insert-rows.js";
import type { ConversationsTable, Database, MessagesTable } from "./schema.js";

export interface HistoryFilter {
  includeSystem: boolean;
  /** Keep the latest `limit` messages; 0 keeps all. */
  limit: number;
  agentId: string;
  channel: string;
  messageType: string;
}

export interface NewMessage {
  role: string;
  content: string;
  agentId: string;
  channel?: string;
  messageType?: string;
  toolCalls?: JsonObject[];
  toolCallId?: string;
  metadata?: JsonObject;
}

/** Conversations and their messages. Returns proto messages, never rows. */
export class ConversationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Creates a conversation, with its first message when given (one insert
   * each, no counter update). `reservedSeq`: event seqs its first run may hand
   * out at once (see SeqAllocator).
   */
  async create(
    name: string,
    agentId: string,
    model = "",
    id: string = randomUUID(),
    first?: NewMessage,
    reservedSeq = 0,
  ): Promise<Conversation> {
    const now = new Date().toISOString();
    const row: ConversationsTable = {
      id,
      name,
      agent_id: agentId,
      model,
      created_at: now,
      updated_at: now,
      message_count: first ? 1 : 0,
      last_seq: 0,
      reserved_seq: reservedSeq,
    };
    await insertRows(this.db, "conversations", [row]);
    if (first) await insertRows(this.db, "messages", [messageRow(id, 1, first, now)]);
    return toConversation(row);
  }

  async list(limit: number, agentId: string): Promise<Conversation[]> {
    let q = this.db.selectFrom("conversations").selectAll().orderBy("updated_at", "desc").orderBy("id").limit(limit);
    if (agentId) q = q.where("agent_id", "=", agentId);
    return (await q.execute()).map(toConversation);
  }

  async get(id: string): Promise<Conversation | undefined> {
    const row = await this.db.selectFrom("conversations").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toConversation(row);
  }

  /** Every message of a conversation, system messages included, oldest first. */
  all(id: string): Promise<ChatMessage[]> {
    return this.history(id, { includeSystem: true, limit: 0, agentId: "", channel: "", messageType: "" });
  }

  async history(id: string, f: HistoryFilter): Promise<ChatMessage[]> {
    let q = this.db.selectFrom("messages").selectAll().where("conversation_id", "=", id);
    if (!f.includeSystem) q = q.where("role", "!=", "system");
    if (f.agentId) q = q.where("agent_id", "=", f.agentId);
    if (f.channel) q = q.where("channel", "=", f.channel);
    if (f.messageType) q = q.where("message_type", "=", f.messageType);
    if (f.limit > 0) {
      const latest = await q.orderBy("position", "desc").limit(f.limit).execute();
      return latest.reverse().map(toChatMessage);
    }
    return (await q.orderBy("position", "asc").execute()).map(toChatMessage);
  }

  /** Appends a message and bumps the conversation's counters atomically. */
  async appendMessage(conversationId: string, m: NewMessage): Promise<ChatMessage> {
    const inTransaction = <T>(fn: (trx: Kysely<Database>) => Promise<T>) =>
      this.db.isTransaction ? fn(this.db) : this.db.transaction().execute(fn);
    return inTransaction(async (trx) => {
      const now = new Date().toISOString();
      const conv = await trx
        .updateTable("conversations")
        .set((eb) => ({ message_count: eb("message_count", "+", 1), updated_at: now }))
        .where("id", "=", conversationId)
        .returning(["message_count"])
        .executeTakeFirstOrThrow();
      const row = messageRow(conversationId, conv.message_count, m, now);
      await insertRows(trx, "messages", [row]);
      return toChatMessage(row);
    });
  }

  /** Sets a conversation's display name; undefined when it does not exist. */
  async rename(id: string, name: string): Promise<Conversation | undefined> {
    const row = await this.db
      .updateTable("conversations")
      .set({ name, updated_at: new Date().toISOString() })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirst();
    return row && toConversation(row);
  }

  /** Deletes a conversation and its messages; false when it did not exist. */
  async delete(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("messages").where("conversation_id", "=", id).execute();
      await trx.deleteFrom("events").where("conversation_id", "=", id).execute();
      const res = await trx.deleteFrom("conversations").where("id", "=", id).executeTakeFirst();
      return Number(res.numDeletedRows) > 0;
    });
  }

  async totalMessages(): Promise<number> {
    const r = await this.db
      .selectFrom("conversations")
      .select((eb) => eb.fn.sum<number | string>("message_count").as("n"))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}

function toConversation(r: Selectable<ConversationsTable>): Conversation {
  return create(ConversationSchema, {
    id: r.id,
    name: r.name,
    agentId: r.agent_id,
    model: r.model,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    messageCount: Number(r.message_count),
    lastSeq: BigInt(r.last_seq),
  });
}

function toChatMessage(r: Selectable<MessagesTable>): ChatMessage {
  return create(ChatMessageSchema, {
    id: r.id,
    role: r.role,
    content: r.content,
    timestamp: r.created_at,
    agentId: r.agent_id,
    channel: r.channel,
    messageType: r.message_type,
    toolCalls: JSON.parse(r.tool_calls) as JsonObject[],
    toolCallId: r.tool_call_id,
    metadata: JSON.parse(r.metadata) as JsonObject,
  });
}

function messageRow(conversationId: string, position: number, m: NewMessage, now: string): MessagesTable {
  return {
    id: randomUUID(),
    conversation_id: conversationId,
    position,
    role: m.role,
    content: m.content,
    agent_id: m.agentId,
    channel: m.channel ?? "",
    message_type: m.messageType ?? "message",
    tool_calls: JSON.stringify(m.toolCalls ?? []),
    tool_call_id: m.toolCallId ?? "",
    metadata: JSON.stringify(m.metadata ?? {}),
    created_at: now,
  };
}
