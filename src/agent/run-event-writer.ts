import type { EventKindInit, EventLog } from "../events/event-log.js";
import { DeltaCoalescer } from "./delta-coalescer.js";

export type { EventKindInit };

/** Where a run's events go: its conversation, its id and its agent. */
export interface RunAddress {
  conversationId: string;
  runId: string;
  agentId: string;
  /** The delegation path, for runs another agent started. */
  agentPath?: string[];
  /** True once the run's conversation is numbered elsewhere (see Run.lost): nothing more is written. */
  muted?: () => boolean;
}

/**
 * The only writer of run events. The run executor owns one per run; the
 * agent loop and the tool calls write through it. Token and reasoning deltas
 * are coalesced per event-loop turn, and every other event flushes them
 * first, so the log keeps the order in which things happened.
 */
export class RunEventWriter {
  private readonly deltas: DeltaCoalescer;

  constructor(
    private readonly log: EventLog,
    private readonly at: RunAddress,
  ) {
    this.deltas = new DeltaCoalescer((kind, token) => this.append({ case: kind, value: { token } }));
  }

  /** Appends an event after any pending deltas. */
  emit(kind: EventKindInit): void {
    this.deltas.flush();
    this.append(kind);
  }

  /** A model turn begins: its first delta goes out at once. */
  startTurn(): void {
    this.deltas.startTurn();
  }

  token(text: string): void {
    this.deltas.push("token", text);
  }

  reasoning(text: string): void {
    this.deltas.push("reasoning", text);
  }

  flush(): void {
    this.deltas.flush();
  }

  private append(kind: EventKindInit): void {
    if (this.at.muted?.()) return;
    this.log.append(this.at.conversationId, this.at.runId, this.at.agentId, kind, this.at.agentPath);
  }
}
