import type { ColumnDefinitionBuilder, Kysely, Migration } from "kysely";

/** 0009_projects_tasks: projects, and tasks with their state and runs. */
export const projectsTasksMigration: Migration = {
  async up(db: Kysely<unknown>) {
    const text = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo("");
    await db.schema
      .createTable("projects")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("description", "text", text)
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    let tasks = db.schema.createTable("tasks").addColumn("id", "text", (c) => c.primaryKey());
    for (const col of ["project_id", "agent_id", "spec", "status", "conversation_id", "response", "error"])
      tasks = tasks.addColumn(col, "text", text);
    tasks = tasks
      .addColumn("run_ids", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("action_results", "text", (c) => c.notNull().defaultTo("[]"))
      .addColumn("iterations", "integer", (c) => c.notNull().defaultTo(0));
    for (const col of ["created_at", "started_at", "ended_at"]) tasks = tasks.addColumn(col, "text", text);
    await tasks.execute();
    await db.schema.createIndex("tasks_project_idx").on("tasks").columns(["project_id", "created_at"]).execute();
    await db.schema.createIndex("tasks_status_idx").on("tasks").columns(["status"]).execute();
    await db.schema.createIndex("tasks_conversation_idx").on("tasks").columns(["conversation_id"]).execute();
  },
};
