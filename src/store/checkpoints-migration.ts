import type { ColumnDefinitionBuilder, Kysely, Migration } from "kysely";

/** 0008_checkpoints: checkpoints, the files agents changed, content blobs and the message archive. */
export const checkpointsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const text = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo("");
    await db.schema
      .createTable("checkpoints")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("conversation_id", "text", (c) => c.notNull())
      .addColumn("name", "text", text)
      .addColumn("description", "text", text)
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("message_count", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("last_message_id", "text", text)
      .addColumn("ordinal", "integer", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("checkpoints_conversation_idx")
      .unique()
      .on("checkpoints")
      .columns(["conversation_id", "ordinal"])
      .execute();
    await db.schema.createIndex("checkpoints_created_idx").on("checkpoints").columns(["created_at"]).execute();
    await db.schema
      .createTable("checkpoint_files")
      .addColumn("conversation_id", "text", (c) => c.notNull())
      .addColumn("checkpoint_id", "text", text)
      .addColumn("path", "text", (c) => c.notNull())
      .addColumn("root", "text", text)
      .addColumn("before_hash", "text", text)
      .addColumn("after_hash", "text", text)
      .addColumn("changed_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("checkpoint_files_pk", ["conversation_id", "checkpoint_id", "path"])
      .execute();
    await db.schema
      .createTable("checkpoint_blobs")
      .addColumn("hash", "text", (c) => c.primaryKey())
      .addColumn("encoding", "text", (c) => c.notNull().defaultTo("utf8"))
      .addColumn("content", "text", (c) => c.notNull())
      .addColumn("size", "integer", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("archived_messages")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("conversation_id", "text", (c) => c.notNull())
      .addColumn("prev_id", "text", text)
      .addColumn("message", "text", (c) => c.notNull())
      .addColumn("archived_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("archived_messages_conversation_idx")
      .on("archived_messages")
      .columns(["conversation_id"])
      .execute();
  },
};
