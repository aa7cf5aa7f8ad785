import { createHash, randomUUID } from "node:crypto";
import type { AuditEntriesTable } from "../store/schema.js";
import type { AuditQuery, AuditRepository } from "../store/audit-repository.js";

/** What one decision records. */
export interface AuditRecord {
  operation: string;
  resource: string;
  result: string;
  reason: string;
  policy: string;
  agentId: string;
  toolName: string;
  sessionId: string;
  keyName: string;
}

const HASHED: (keyof AuditEntriesTable)[] = [
  "id",
  "timestamp",
  "operation",
  "category",
  "resource",
  "result",
  "reason",
  "policy",
  "agent_id",
  "tool_name",
  "session_id",
  "key_name",
  "prev_hash",
];

/** SHA-256 over an entry's fields in a fixed order, the previous entry's hash among them. */
export function entryHash(row: AuditEntriesTable): string {
  return createHash("sha256")
    .update(JSON.stringify(HASHED.map((k) => String(row[k]))))
    .digest("hex");
}

/** `filesystem.write` → `filesystem`. */
export const categoryOf = (operation: string) => operation.split(".")[0] ?? operation;

/**
 * The permission audit log: every decision, append-only, each entry carrying
 * the hash of the one before, so that an edited, removed or inserted row
 * breaks the chain. Appends are serialized: the chain has one order.
 */
export class AuditLog {
  private tail: Promise<{ seq: number; hash: string }> | undefined;

  constructor(private readonly repo: AuditRepository) {}

  append(r: AuditRecord): Promise<AuditEntriesTable> {
    const prev = (this.tail ??= this.repo.last().then((l) => ({ seq: Number(l?.seq ?? 0), hash: l?.hash ?? "" })));
    const write = prev.then(async (p) => {
      const row: AuditEntriesTable = {
        seq: p.seq + 1,
        id: `audit_${randomUUID().replaceAll("-", "").slice(0, 16)}`,
        timestamp: new Date().toISOString(),
        operation: r.operation,
        category: categoryOf(r.operation),
        resource: r.resource,
        result: r.result,
        reason: r.reason,
        policy: r.policy,
        agent_id: r.agentId,
        tool_name: r.toolName,
        session_id: r.sessionId,
        key_name: r.keyName,
        prev_hash: p.hash,
        hash: "",
      };
      row.hash = entryHash(row);
      await this.repo.append(row);
      return row;
    });
    // A failed write (a row written behind the log's back, say) makes the next append read the chain again.
    this.tail = write.then(
      (row) => ({ seq: row.seq, hash: row.hash }),
      () => this.repo.last().then((l) => ({ seq: Number(l?.seq ?? 0), hash: l?.hash ?? "" })),
    );
    return write;
  }

  query(q: AuditQuery) {
    return this.repo.query(q);
  }

  async stats(): Promise<{ total: number; byResult: Record<string, number>; byCategory: Record<string, number> }> {
    const [byResult, byCategory] = await Promise.all([this.repo.countsBy("result"), this.repo.countsBy("category")]);
    return { total: Object.values(byResult).reduce((a, b) => a + b, 0), byResult, byCategory };
  }

  /** Walks the chain; the first entry whose stored hash or link does not match breaks it. */
  async verify(): Promise<{
    intact: boolean;
    checked: number;
    firstBrokenId: string;
    problem: string;
    headHash: string;
  }> {
    await this.tail;
    let prevHash = "";
    let checked = 0;
    for await (const row of this.repo.all()) {
      checked++;
      if (row.prev_hash !== prevHash)
        return {
          intact: false,
          checked,
          firstBrokenId: row.id,
          headHash: "",
          problem: "its link to the entry before does not match: an entry was removed or inserted",
        };
      if (entryHash(row) !== row.hash)
        return {
          intact: false,
          checked,
          firstBrokenId: row.id,
          headHash: "",
          problem: "its content does not match its hash: the entry was changed",
        };
      prevHash = row.hash;
    }
    // The newest entries removed: the log knows its head while it runs.
    const known = this.tail ? await this.tail : undefined;
    if (known && known.hash && known.hash !== prevHash)
      return {
        intact: false,
        checked,
        firstBrokenId: "",
        headHash: prevHash,
        problem: "the newest entries were removed: the chain ends before the last entry this server wrote",
      };
    return { intact: true, checked, firstBrokenId: "", problem: "", headHash: prevHash };
  }
}
