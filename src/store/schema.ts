import type { Generated } from "kysely";

/**
 * Table types for Kysely. Only portable column types are used (text, integer),
 * with JSON kept as text, so the same queries run on SQLite and Postgres.
 */
export interface ConversationsTable {
  id: string;
  name: string;
  agent_id: string;
  model: string;
  created_at: string;
  updated_at: string;
  message_count: number;
  last_seq: number;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  /** Order within the conversation, from 1. */
  position: number;
  role: string;
  content: string;
  agent_id: string;
  channel: string;
  message_type: string;
  /** JSON array of OpenAI-style tool calls. */
  tool_calls: string;
  tool_call_id: string;
  /** JSON object. */
  metadata: string;
  created_at: string;
}

export interface MigrationMarker {
  id: Generated<number>;
}

export interface Database {
  conversations: ConversationsTable;
  messages: MessagesTable;
}
