/**
 * Penguin's WebSocket token coalescing: tokens are buffered and flushed when
 * the buffer reaches `minChars` characters, or `idleMs` after the last chunk
 * if no new chunk came. `flush()` sends what is pending at once (a reasoning
 * chunk or any other event calls it first, so order is kept).
 */
export class TokenCoalescer {
  private buffer = "";
  private lastSeq = 0n;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (token: string, seq: bigint) => void,
    private readonly minChars = 5,
    private readonly idleMs = 100,
  ) {}

  push(token: string, seq: bigint): void {
    this.buffer += token;
    this.lastSeq = seq;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length >= this.minChars) this.flush();
    else this.timer = setTimeout(() => this.flush(), this.idleMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.buffer) return;
    const token = this.buffer;
    this.buffer = "";
    this.send(token, this.lastSeq);
  }
}
