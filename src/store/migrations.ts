import { type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import { checkpointsMigration } from "./checkpoints-migration.js";
import { projectsTasksMigration } from "./migration-projects-tasks.js";
import { modelSelectionMigration } from "./migration-0010-model-selection.js";
import { runLeasesMigration } from "./migration-0011-run-leases.js";
import { forwardedRunsMigration } from "./migration-0012-forwarded-runs.js";

/**
 * Migrations live in code, not files, so a built server carries its own schema
 * history. Names sort in apply order; never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  "0001_conversations": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("conversations")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("agent_id", "text", (c) => c.notNull())
        .addColumn("model", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addColumn("message_count", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("last_seq", "integer", (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex("conversations_updated_idx").on("conversations").columns(["updated_at"]).execute();
      await db.schema
        .createTable("messages")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("conversation_id", "text", (c) => c.notNull().references("conversations.id").onDelete("cascade"))
        .addColumn("position", "integer", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("content", "text", (c) => c.notNull())
        .addColumn("agent_id", "text", (c) => c.notNull())
        .addColumn("channel", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("message_type", "text", (c) => c.notNull().defaultTo("message"))
        .addColumn("tool_calls", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("tool_call_id", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("metadata", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("messages_conversation_position_idx")
        .unique()
        .on("messages")
        .columns(["conversation_id", "position"])
        .execute();
    },
  },
  "0002_events_runs_usage": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("events")
        .addColumn("conversation_id", "text", (c) => c.notNull())
        .addColumn("seq", "integer", (c) => c.notNull())
        .addColumn("run_id", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("events_pk", ["conversation_id", "seq"])
        .execute();
      await db.schema
        .createTable("runs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("conversation_id", "text", (c) => c.notNull())
        .addColumn("agent_id", "text", (c) => c.notNull())
        .addColumn("request_id", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("request_hash", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("result", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("ended_at", "text", (c) => c.notNull().defaultTo(""))
        .execute();
      await db.schema.createIndex("runs_request_id_idx").on("runs").columns(["request_id"]).execute();
      await db.schema.createIndex("runs_conversation_idx").on("runs").columns(["conversation_id"]).execute();
      await db.schema
        .createTable("usage")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("conversation_id", "text", (c) => c.notNull())
        .addColumn("agent_id", "text", (c) => c.notNull())
        .addColumn("model", "text", (c) => c.notNull())
        .addColumn("prompt_tokens", "integer", (c) => c.notNull())
        .addColumn("completion_tokens", "integer", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
    },
  },
};

migrations["0003_seq_reservations_queued_messages"] = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("conversations")
      .addColumn("reserved_seq", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable("runs")
      .addColumn("message", "text", (c) => c.notNull().defaultTo(""))
      .execute();
  },
};

migrations["0004_agents_bus_feed"] = {
  async up(db: Kysely<unknown>) {
    const text = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo("");
    await db.schema
      .createTable("agents")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("persona", "text", text)
      .addColumn("persona_description", "text", text)
      .addColumn("system_prompt", "text", text)
      .addColumn("model_config_id", "text", text)
      .addColumn("default_tools", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("parent", "text", text)
      .addColumn("roles", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("paused", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("conversation_id", "text", text)
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("bus_messages")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("sender", "text", (c) => c.notNull())
      .addColumn("recipient", "text", (c) => c.notNull())
      .addColumn("content", "text", (c) => c.notNull())
      .addColumn("message_type", "text", (c) => c.notNull())
      .addColumn("channel", "text", text)
      .addColumn("metadata", "text", (c) => c.notNull().defaultTo("{}"))
      .addColumn("run_id", "text", text)
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("bus_messages_sender_idx").on("bus_messages").columns(["sender"]).execute();
    await db.schema
      .createTable("feed_events")
      .addColumn("cursor", "integer", (c) => c.primaryKey())
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("agent_id", "text", text)
      .addColumn("channel", "text", text)
      .addColumn("message_type", "text", text)
      .addColumn("payload", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("runs_agent_status_idx").on("runs").columns(["agent_id", "status"]).execute();
  },
};

migrations["0005_github_deliveries"] = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("github_deliveries")
      .addColumn("delivery_id", "text", (c) => c.primaryKey())
      .addColumn("event", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull().defaultTo(""))
      .addColumn("received_at", "text", (c) => c.notNull())
      .addColumn("handled_at", "text", (c) => c.notNull().defaultTo(""))
      .execute();
  },
};

migrations["0006_feed_event_conversation"] = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable("feed_events")
      .addColumn("conversation_id", "text", (c) => c.notNull().defaultTo(""))
      .execute();
    await db.schema
      .createIndex("feed_events_conversation_idx")
      .on("feed_events")
      .columns(["conversation_id"])
      .execute();
  },
};

migrations["0007_audit_approvals"] = {
  async up(db: Kysely<unknown>) {
    const text = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo("");
    let audit = db.schema.createTable("audit_entries").addColumn("seq", "integer", (c) => c.primaryKey());
    for (const col of ["id", "timestamp", "operation", "category", "resource", "result", "reason", "policy"])
      audit = audit.addColumn(col, "text", text);
    for (const col of ["agent_id", "tool_name", "session_id", "key_name", "prev_hash", "hash"])
      audit = audit.addColumn(col, "text", text);
    await audit.execute();
    await db.schema.createIndex("audit_entries_id_idx").unique().on("audit_entries").columns(["id"]).execute();
    let approvals = db.schema.createTable("approvals").addColumn("id", "text", (c) => c.primaryKey());
    for (const col of ["conversation_id", "run_id", "agent_id", "tool_name", "operation", "resource", "reason"])
      approvals = approvals.addColumn(col, "text", text);
    for (const col of ["status", "scope", "created_at", "expires_at", "resolved_at", "resolution"])
      approvals = approvals.addColumn(col, "text", text);
    await approvals.execute();
    await db.schema.createIndex("approvals_status_idx").on("approvals").columns(["status"]).execute();
  },
};

migrations["0008_checkpoints"] = checkpointsMigration;
migrations["0009_projects_tasks"] = projectsTasksMigration;
migrations["0010_model_selection"] = modelSelectionMigration;
migrations["0011_run_leases"] = runLeasesMigration;
migrations["0012_forwarded_runs"] = forwardedRunsMigration;

const provider: MigrationProvider = {
  getMigrations: async () => migrations,
};

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: "floe_migrations",
    migrationLockTableName: "floe_migrations_lock",
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
