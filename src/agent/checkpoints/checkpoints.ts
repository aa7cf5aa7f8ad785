import { randomUUID } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import type { CheckpointRow } from "../../store/checkpoint-repository.js";
import type { StoredHistory } from "../../store/message-archive.js";
import type { CheckpointDeps, CheckpointOps, CheckpointType } from "./checkpoint-deps.js";
import { FileJournal } from "./file-journal.js";
import { cleanup, type CleanupResult } from "./retention.js";
import { rollback, type RollbackResult } from "./rollback.js";

const CLEANUP_EVERY_MS = 60 * 60 * 1000;

/**
 * Checkpoints of conversations and of the files their agents changed:
 * taken automatically after runs and on request, rolled back to (history
 * and files), branched from, and expired by the retention policy.
 */
export class Checkpoints implements CheckpointOps {
  /** Records the file tools' changes; the run executor passes it to every tool call. */
  readonly journal: FileJournal;
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly deps: CheckpointDeps) {
    this.journal = new FileJournal(deps.repo, () => this.now());
  }

  now(): string {
    return new Date(this.deps.clock()).toISOString();
  }

  /** Takes a checkpoint of a conversation ("" = the most recently updated one). */
  async create(
    conversationId: string,
    type: CheckpointType,
    name: string,
    description: string,
  ): Promise<CheckpointRow> {
    const id = conversationId || (await this.latestConversation());
    const take = () =>
      this.deps.repo.take({
        id: `ckpt_${randomUUID().replaceAll("-", "").slice(0, 16)}`,
        conversation_id: id,
        name,
        description,
        type,
        created_at: this.now(),
      });
    // Two checkpoints of one conversation at once (a manual one and an automatic one) may pick the same
    // ordinal on Postgres; its unique index refuses the second, which then takes the next.
    const row = await take().catch((e: unknown) => {
      if (/unique|duplicate/i.test(String((e as Error)?.message))) return take();
      throw e;
    });
    if (!row) throw notFoundConversation(id);
    return row;
  }

  /**
   * After each stored message of a run (and at its end): an automatic
   * checkpoint once `frequency` messages came since the latest one still on
   * the history, holding the file changes made up to that message.
   */
  async afterRun(conversationId: string): Promise<void> {
    const { settings, repo, conversations } = this.deps;
    if (!settings.enabled) return;
    const conv = await conversations.get(conversationId);
    if (!conv) return;
    const base = await repo.countAtLatestOnHistory(conversationId);
    if (conv.messageCount - base < settings.frequency) return;
    await this.create(conversationId, "auto", `Auto checkpoint at message ${conv.messageCount}`, "");
  }

  async get(id: string): Promise<CheckpointRow> {
    const row = await this.deps.repo.get(id);
    if (!row)
      throw new ConnectError(
        `checkpoint ${JSON.stringify(id)} not found: list them with ListCheckpoints`,
        Code.NotFound,
      );
    return row;
  }

  list(conversationId: string, limit: number): Promise<CheckpointRow[]> {
    return this.deps.repo.list(conversationId, limit);
  }

  countByType(): Promise<Map<string, number>> {
    return this.deps.repo.countByType();
  }

  /**
   * Restores a checkpoint's history and files; see rollback.ts. The
   * conversation is held by the run registry for the whole rollback (no run
   * starts in it, and none may be live when it begins) and, on Postgres, by
   * an advisory lock, so two instances cannot roll it back at once.
   */
  async rollback(id: string, force: boolean): Promise<RollbackResult> {
    const cp = await this.get(id);
    const conv = cp.conversation_id;
    const release = this.deps.runs.reserve(conv, "a rollback to a checkpoint", "roll back");
    try {
      const busy = () =>
        new ConnectError(`a rollback of conversation ${conv} is in progress; try again`, Code.FailedPrecondition);
      return await this.deps.repo.exclusively(`rollback:${conv}`, busy, () => rollback(this, cp, force));
    } finally {
      release();
    }
  }

  /** A new conversation holding the checkpoint's history (copies), with a `branch` checkpoint. */
  async branch(
    id: string,
    name: string,
    description: string,
  ): Promise<{ branchId: string; checkpoint: CheckpointRow }> {
    const cp = await this.get(id);
    const source = await this.deps.conversations.get(cp.conversation_id);
    if (!source) throw notFoundConversation(cp.conversation_id);
    const history = await this.historyOf(cp);
    const rows = await this.deps.archive.rowsOf(cp.conversation_id, history);
    const branchId = randomUUID();
    const at = new Date().toISOString();
    const label = name || `Branch of ${source.name || cp.name || cp.id}`;
    const conv = { id: branchId, name: label, agent_id: source.agentId, model: source.model };
    await this.deps.archive.copyInto({ ...conv, created_at: at, updated_at: at }, rows, randomUUID);
    return { branchId, checkpoint: await this.create(branchId, "branch", label, description) };
  }

  /** Where a checkpoint's history is stored now; FailedPrecondition when part of it was collected. */
  async historyOf(cp: CheckpointRow): Promise<StoredHistory> {
    const h = await this.deps.archive.historyOf(cp.conversation_id, cp.message_count, cp.last_message_id);
    if (!h)
      throw new ConnectError(
        `the history of checkpoint ${cp.id} is no longer stored (its messages were removed); pick a later checkpoint`,
        Code.FailedPrecondition,
      );
    return h;
  }

  /** Applies the retention policy now. */
  cleanup(): Promise<CleanupResult> {
    return cleanup(this.deps, this.deps.clock());
  }

  /** Runs the cleanup at start and then hourly; `stop` ends it. */
  async startRetention(): Promise<void> {
    await this.runCleanup();
    this.timer = setInterval(() => void this.runCleanup(), CLEANUP_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async runCleanup(): Promise<void> {
    try {
      const r = await this.cleanup();
      if (r.cleaned || r.blobs) this.deps.log.info({ ...r }, "checkpoint retention applied");
    } catch (e) {
      this.deps.log.warn({ err: e }, "checkpoint cleanup failed");
    }
  }

  private async latestConversation(): Promise<string> {
    const [latest] = await this.deps.conversations.list(1, "");
    if (!latest)
      throw new ConnectError("there is no conversation to checkpoint: send a chat message first", Code.NotFound);
    return latest.id;
  }
}

function notFoundConversation(id: string): ConnectError {
  return new ConnectError(`conversation ${JSON.stringify(id)} not found: name an existing session_id`, Code.NotFound);
}
