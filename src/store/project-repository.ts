import type { Kysely } from "kysely";
import { insertRows } from "./insert-rows.js";
import type { Database, ProjectsTable } from "./schema.js";

/** The stored projects. */
export class ProjectRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(p: ProjectsTable): Promise<void> {
    await insertRows(this.db, "projects", [p]);
  }

  async get(id: string): Promise<ProjectsTable | undefined> {
    return this.db.selectFrom("projects").selectAll().where("id", "=", id).executeTakeFirst();
  }

  /** Newest first. */
  async list(limit: number): Promise<ProjectsTable[]> {
    return this.db
      .selectFrom("projects")
      .selectAll()
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(limit)
      .execute();
  }
}
