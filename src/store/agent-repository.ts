import type { Kysely, Selectable } from "kysely";
import { insertRows } from "./insert-rows.js";
import type { AgentsTable, Database } from "./schema.js";

/** An agent as the store keeps it. */
export interface AgentRecord {
  id: string;
  persona: string;
  personaDescription: string;
  systemPrompt: string;
  modelConfigId: string;
  defaultTools: string[];
  parent: string;
  roles: string[];
  active: boolean;
  paused: boolean;
  conversationId: string;
  createdAt: string;
  updatedAt: string;
}

/** The agent registry's rows. */
export class AgentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async all(): Promise<AgentRecord[]> {
    const rows = await this.db.selectFrom("agents").selectAll().orderBy("created_at").orderBy("id").execute();
    return rows.map(toRecord);
  }

  async get(id: string): Promise<AgentRecord | undefined> {
    const row = await this.db.selectFrom("agents").selectAll().where("id", "=", id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Inserts the agent unless one with its id is stored (another instance starting at once); answers the stored one. */
  async insertIfAbsent(a: AgentRecord): Promise<AgentRecord> {
    await this.db
      .insertInto("agents")
      .values(toRow(a))
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
    return (await this.get(a.id)) ?? a;
  }

  async insert(a: AgentRecord): Promise<void> {
    await insertRows(this.db, "agents", [toRow(a)]);
  }

  /** Writes an agent's fields but its main conversation, which only setConversation writes (instances share it). */
  async update(a: AgentRecord): Promise<void> {
    const { id, conversation_id: _mainConversation, ...rest } = toRow(a);
    await this.db.updateTable("agents").set(rest).where("id", "=", id).execute();
  }

  /**
   * Sets an agent's main conversation unless another writer (another
   * instance) changed it from `expected` first; answers the one stored.
   */
  async setConversation(id: string, conversationId: string, expected: string): Promise<string> {
    await this.db
      .updateTable("agents")
      .set({ conversation_id: conversationId })
      .where("id", "=", id)
      .where("conversation_id", "=", expected)
      .execute();
    return this.conversationOf(id);
  }

  /** The agent's main conversation as stored (another instance may have set it). */
  async conversationOf(id: string): Promise<string> {
    const row = await this.db.selectFrom("agents").select("conversation_id").where("id", "=", id).executeTakeFirst();
    return row?.conversation_id ?? "";
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom("agents").where("id", "=", id).execute();
  }
}

function toRow(a: AgentRecord): AgentsTable {
  return {
    id: a.id,
    persona: a.persona,
    persona_description: a.personaDescription,
    system_prompt: a.systemPrompt,
    model_config_id: a.modelConfigId,
    default_tools: JSON.stringify(a.defaultTools),
    parent: a.parent,
    roles: JSON.stringify(a.roles),
    active: a.active ? 1 : 0,
    paused: a.paused ? 1 : 0,
    conversation_id: a.conversationId,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
  };
}

function toRecord(r: Selectable<AgentsTable>): AgentRecord {
  return {
    id: r.id,
    persona: r.persona,
    personaDescription: r.persona_description,
    systemPrompt: r.system_prompt,
    modelConfigId: r.model_config_id,
    defaultTools: JSON.parse(r.default_tools) as string[],
    parent: r.parent,
    roles: JSON.parse(r.roles) as string[],
    active: Number(r.active) === 1,
    paused: Number(r.paused) === 1,
    conversationId: r.conversation_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
