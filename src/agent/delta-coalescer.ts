type DeltaKind = "token" | "reasoning";

/**
 * Joins token (or reasoning) deltas that arrive in the same event-loop turn
 * into one event. An upstream often delivers many SSE chunks in one socket
 * read; one event per chunk would make the event log and every stream do that
 * much more work for the same text. Nothing is delayed past the current turn,
 * and any other event flushes first, so order is kept.
 */
export class DeltaCoalescer {
  private kind: DeltaKind = "token";
  private text = "";
  private scheduled = false;
  private firstOfTurn = true;

  constructor(private readonly emit: (kind: DeltaKind, text: string) => void) {}

  /** The next delta goes out at once: time to first token is not traded for batching. */
  startTurn(): void {
    this.firstOfTurn = true;
  }

  push(kind: DeltaKind, text: string): void {
    if (this.firstOfTurn) {
      this.firstOfTurn = false;
      this.flush();
      this.emit(kind, text);
      return;
    }
    if (kind !== this.kind) this.flush();
    this.kind = kind;
    this.text += text;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  flush(): void {
    if (!this.text) return;
    const text = this.text;
    this.text = "";
    this.emit(this.kind, text);
  }
}
