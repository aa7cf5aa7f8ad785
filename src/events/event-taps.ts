import type { Event } from "../../gen/floe/v1/events_pb.js";
import type { Logger } from "../domain/logger.js";

/** Listeners to every published event (the feed, the metrics); one that throws never breaks the run that emitted it. */
export class EventTaps {
  private taps: ((e: Event) => void)[] = [];

  constructor(private readonly log: Logger) {}

  add(listener: (e: Event) => void): () => void {
    this.taps.push(listener);
    return () => (this.taps = this.taps.filter((t) => t !== listener));
  }

  emit(event: Event): void {
    for (const tap of this.taps) {
      try {
        tap(event);
      } catch (err) {
        this.log.error({ err, conversationId: event.conversationId }, "event tap failed");
      }
    }
  }
}
