import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { insertRows } from "./insert-rows.js";
import type { Database } from "./schema.js";

export interface UsageTotals {
  prompt: number;
  completion: number;
}

export interface UsageBreakdown {
  total: UsageTotals;
  perConversation: Map<string, UsageTotals>;
  perAgent: Map<string, UsageTotals>;
  perModel: Map<string, UsageTotals>;
}

/**
 * Token counts, one row per model call, summed on read. What this process
 * recorded is also counted in memory: the session of Penguin's status, which
 * starts at zero on every start and never includes another instance's calls.
 */
export class UsageRepository {
  private readonly sinceStart: UsageTotals = { prompt: 0, completion: 0 };

  constructor(private readonly db: Kysely<Database>) {}

  /** Tokens recorded since this server process started. */
  session(): UsageTotals {
    return { ...this.sinceStart };
  }

  async record(
    conversationId: string,
    agentId: string,
    model: string,
    prompt: number,
    completion: number,
  ): Promise<void> {
    if (prompt === 0 && completion === 0) return;
    const row = {
      id: randomUUID(),
      conversation_id: conversationId,
      agent_id: agentId,
      model,
      prompt_tokens: prompt,
      completion_tokens: completion,
      created_at: new Date().toISOString(),
    };
    await insertRows(this.db, "usage", [row]);
    this.sinceStart.prompt += prompt;
    this.sinceStart.completion += completion;
  }

  async breakdown(conversationId = "", since = ""): Promise<UsageBreakdown> {
    let q = this.db
      .selectFrom("usage")
      .select((eb) => [
        "conversation_id",
        "agent_id",
        "model",
        eb.fn.sum<number | string>("prompt_tokens").as("prompt"),
        eb.fn.sum<number | string>("completion_tokens").as("completion"),
      ])
      .groupBy(["conversation_id", "agent_id", "model"]);
    if (conversationId) q = q.where("conversation_id", "=", conversationId);
    if (since) q = q.where("created_at", ">=", since);
    const rows = await q.execute();
    const total = { prompt: 0, completion: 0 };
    const perConversation = new Map<string, UsageTotals>();
    const perAgent = new Map<string, UsageTotals>();
    const perModel = new Map<string, UsageTotals>();
    const add = (m: Map<string, UsageTotals>, k: string, p: number, c: number) => {
      const t = m.get(k) ?? { prompt: 0, completion: 0 };
      t.prompt += p;
      t.completion += c;
      m.set(k, t);
    };
    for (const r of rows) {
      const p = Number(r.prompt);
      const c = Number(r.completion);
      total.prompt += p;
      total.completion += c;
      add(perConversation, r.conversation_id, p, c);
      add(perAgent, r.agent_id, p, c);
      add(perModel, r.model, p, c);
    }
    return { total, perConversation, perAgent, perModel };
  }
}
