const OPEN = "<think>";
const CLOSE = "</think>";

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialTagAtEnd(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(tag.slice(0, n))) return n;
  }
  return 0;
}

/**
 * Splits streamed text into answer and reasoning: text inside inline
 * `<think>…</think>` goes to reasoning. Tags may be cut across chunks, so a
 * possible partial tag at the end of a chunk is held back until the next one.
 */
export class ThinkSplitter {
  private inThink = false;
  private held = "";

  constructor(
    private readonly onContent: (s: string) => void,
    private readonly onReasoning: (s: string) => void,
  ) {}

  push(chunk: string): void {
    let text = this.held + chunk;
    this.held = "";
    while (text) {
      const tag = this.inThink ? CLOSE : OPEN;
      const emit = this.inThink ? this.onReasoning : this.onContent;
      const idx = text.indexOf(tag);
      if (idx >= 0) {
        if (idx > 0) emit(text.slice(0, idx));
        this.inThink = !this.inThink;
        text = text.slice(idx + tag.length);
        continue;
      }
      const keep = partialTagAtEnd(text, tag);
      if (text.length > keep) emit(text.slice(0, text.length - keep));
      this.held = text.slice(text.length - keep);
      return;
    }
  }

  /** Flushes anything held back at the end of the stream. */
  end(): void {
    if (this.held) (this.inThink ? this.onReasoning : this.onContent)(this.held);
    this.held = "";
  }
}
