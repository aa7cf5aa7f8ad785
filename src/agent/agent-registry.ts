import { Code, ConnectError } from "@connectrpc/connect";
import { type AgentProfile, DEFAULT_SYSTEM_PROMPT } from "../domain/agent-profile.js";
import type { AgentRecord, AgentRepository } from "../store/agent-repository.js";
import type { ConversationRepository } from "../store/conversation-repository.js";

export const DEFAULT_AGENT_ID = "default";

/**
 * The registered agents: stored, and held in memory so that starting a run
 * looks its agent up without a query. `default` always exists; agents from
 * the config file are registered on first start and then managed like any
 * other. With several instances, each change is announced (`onChange`) and
 * the others read the agent again (`refresh`).
 */
export class AgentRegistry {
  private readonly agents = new Map<string, AgentRecord>();
  /** Main conversations being created, so two callers share one. */
  private readonly creating = new Map<string, Promise<string>>();
  private writes: Promise<unknown> = Promise.resolve();
  private readonly changeListeners: ((id: string) => void)[] = [];

  constructor(
    private readonly repo: AgentRepository,
    private readonly conversations: ConversationRepository,
  ) {}

  /**
   * Loads the stored agents and registers `default` when missing. The
   * config's agents are registered, or refreshed from the file (prompt,
   * tools, and the model when the file names one) with their state (paused,
   * roles, conversation, a switched model) kept.
   */
  async load(configured: readonly AgentProfile[]): Promise<void> {
    for (const a of await this.repo.all()) this.agents.set(a.id, a);
    for (const p of configured) {
      if (!this.agents.has(p.id)) continue;
      await this.update(p.id, (a) => {
        a.systemPrompt = p.systemPrompt;
        a.defaultTools = [...p.defaultTools];
        // A model switched at runtime (models/load with agent_id) outlives restarts unless the file names one.
        if (p.modelId) a.modelConfigId = p.modelId;
      });
    }
    const seeds = [{ id: DEFAULT_AGENT_ID, systemPrompt: DEFAULT_SYSTEM_PROMPT, defaultTools: [], modelId: "" }];
    for (const p of [...seeds, ...configured]) {
      if (this.agents.has(p.id)) continue;
      const fields = {
        id: p.id,
        systemPrompt: p.systemPrompt,
        defaultTools: [...p.defaultTools],
        modelConfigId: p.modelId,
      };
      // Several instances starting at once on a new database: the first one stored wins, and every one keeps it.
      const stored = await this.repo.insertIfAbsent(newRecord(fields));
      this.agents.set(stored.id, stored);
      this.changed(stored.id);
    }
  }

  list(): AgentRecord[] {
    return [...this.agents.values()];
  }

  get(id: string): AgentRecord | undefined {
    return this.agents.get(id);
  }

  /** The agent, or NotFound. */
  require(id: string): AgentRecord {
    const a = this.agents.get(id);
    if (!a)
      throw new ConnectError(
        `agent ${JSON.stringify(id)} not found: list agents with GET /api/v1/agents`,
        Code.NotFound,
      );
    return a;
  }

  children(id: string): string[] {
    return this.list()
      .filter((a) => a.parent === id)
      .map((a) => a.id);
  }

  withRole(role: string): AgentRecord[] {
    return this.list().filter((a) => a.roles.includes(role));
  }

  /** How a run of this agent runs; undefined for an unknown agent. */
  profile(id: string): AgentProfile | undefined {
    const a = this.agents.get(id);
    if (!a) return undefined;
    return {
      id: a.id,
      systemPrompt: a.systemPrompt || DEFAULT_SYSTEM_PROMPT,
      defaultTools: a.defaultTools,
      modelId: a.modelConfigId,
      paused: a.paused,
      inactive: !a.active,
    };
  }

  /**
   * Runs registry writes one at a time: each sees the state the one before it
   * left, so concurrent changes are never lost and a removed agent stays removed.
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.writes.then(fn);
    this.writes = run.catch(() => undefined);
    return run;
  }

  /** Registers an agent; `check` runs first, inside the same turn (a parent must still exist). */
  insert(a: AgentRecord, check: () => void = () => undefined): Promise<AgentRecord> {
    return this.exclusive(async () => {
      if (this.agents.has(a.id))
        throw new ConnectError(`agent ${JSON.stringify(a.id)} already exists`, Code.AlreadyExists);
      check();
      this.agents.set(a.id, a);
      try {
        await this.repo.insert(a);
      } catch (e) {
        this.agents.delete(a.id);
        throw e;
      }
      this.changed(a.id);
      return a;
    });
  }

  /**
   * Applies `change` to a copy of the stored record (another instance may have changed it since this one
   * read it, and its change is kept), stores it, then makes it current.
   */
  update(id: string, change: (a: AgentRecord) => void): Promise<AgentRecord> {
    return this.exclusive(async () => {
      const stored = await this.repo.get(id);
      if (!stored) this.agents.delete(id);
      const next = { ...(stored ?? this.require(id)) };
      change(next);
      next.updatedAt = new Date().toISOString();
      await this.repo.update(next);
      this.agents.set(id, next);
      this.changed(id);
      return next;
    });
  }

  /**
   * Removes an agent once `check` passes (no children, no live runs). It is
   * gone from memory before the row is deleted, so no new run can start on it.
   */
  remove(id: string, check: (a: AgentRecord) => void = () => undefined): Promise<AgentRecord> {
    return this.exclusive(async () => {
      const a = this.require(id);
      check(a);
      this.agents.delete(id);
      try {
        await this.repo.delete(id);
      } catch (e) {
        this.agents.set(id, a);
        throw e;
      }
      this.changed(id);
      return a;
    });
  }

  /** Hears every agent this instance registered, changed or removed (stored by then). */
  onChange(listener: (id: string) => void): void {
    this.changeListeners.push(listener);
  }

  private changed(id: string): void {
    for (const l of this.changeListeners) l(id);
  }

  /**
   * Reads an agent again as stored: another instance registered, changed or
   * removed it. Takes its turn with this instance's writes, so it never
   * undoes one of them.
   */
  refresh(id: string): Promise<void> {
    return this.exclusive(async () => {
      const stored = await this.repo.get(id);
      if (stored) this.agents.set(id, stored);
      else this.agents.delete(id);
    });
  }

  /** Reads every agent again (after news from other instances may have been missed). */
  refreshAll(): Promise<void> {
    return this.exclusive(async () => {
      const stored = await this.repo.all();
      this.agents.clear();
      for (const a of stored) this.agents.set(a.id, a);
    });
  }

  /** The main conversation as stored (setConversation wrote it): only this instance's memory changes. */
  private rememberConversation(id: string, conversationId: string): void {
    this.agents.set(id, { ...this.require(id), conversationId });
  }

  /** The agent's main conversation, created on first use, and again if it was deleted. */
  mainConversation(id: string): Promise<string> {
    let p = this.creating.get(id);
    if (!p) {
      p = (async () => {
        // Several instances: another one may have made it since this one loaded the agent.
        const known = this.require(id).conversationId;
        const existing = known || (await this.repo.conversationOf(id));
        if (existing && (await this.conversations.get(existing))) {
          if (!known) this.rememberConversation(id, existing);
          return existing;
        }
        const conv = await this.conversations.create(`agent ${id}`, id);
        // One main conversation even when two instances make one at once: the first stored wins.
        const stored = await this.repo.setConversation(id, conv.id, existing);
        if (stored !== conv.id) await this.conversations.delete(conv.id);
        this.rememberConversation(id, stored);
        return stored;
      })().finally(() => this.creating.delete(id));
      this.creating.set(id, p);
    }
    return p;
  }
}

/** A record with the defaults a new agent gets. */
export function newRecord(fields: Partial<AgentRecord> & { id: string }): AgentRecord {
  const now = new Date().toISOString();
  return {
    persona: "",
    personaDescription: "",
    systemPrompt: "",
    modelConfigId: "",
    defaultTools: [],
    parent: "",
    roles: [],
    active: true,
    paused: false,
    conversationId: "",
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}
