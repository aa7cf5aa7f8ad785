import type { Event } from "../../gen/floe/v1/events_pb.js";

const RECENT_CONVERSATIONS = 256;

/**
 * The latest events of recently active conversations, so that a stream
 * joining a run (or resuming shortly after a drop) replays from memory
 * instead of the database. Least recently appended conversations go first.
 */
export class RecentEvents {
  private readonly rings = new Map<string, Event[]>();
  private lastRemembered = "";

  /** `cap`: events kept per conversation; never more than retention keeps, so memory and storage agree. */
  constructor(readonly cap: number) {}

  remember(conversationId: string, event: Event): void {
    let ring = this.rings.get(conversationId);
    if (!ring) {
      ring = [];
      this.rings.set(conversationId, ring);
      if (this.rings.size > RECENT_CONVERSATIONS) this.rings.delete(this.rings.keys().next().value!);
    } else if (this.lastRemembered !== conversationId) {
      // Move to the end: the map's order is least recently appended first.
      this.rings.delete(conversationId);
      this.rings.set(conversationId, ring);
    }
    this.lastRemembered = conversationId;
    // A ring holds consecutive seqs only: after a hole (another instance's events this one did not follow) it starts again.
    const last = ring[ring.length - 1];
    if (last && event.seq !== last.seq + 1n) ring.length = 0;
    ring.push(event);
    // Trimmed in bulk (at twice the cap) so that an append stays O(1).
    if (ring.length > this.cap * 2) ring.splice(0, ring.length - this.cap);
  }

  /** The events after `afterSeq`, when memory still holds all of them; else undefined. */
  after(conversationId: string, afterSeq: number, latest: number): Event[] | undefined {
    const ring = this.rings.get(conversationId);
    const oldestKept = latest - this.cap + 1;
    // The ring must also reach `latest`: events another instance appended may have come in without it.
    if (!ring || ring.length === 0 || Number(ring[ring.length - 1]!.seq) < latest) return undefined;
    if (Number(ring[0]!.seq) <= afterSeq + 1 && afterSeq + 1 >= oldestKept) {
      return ring.filter((e) => Number(e.seq) > afterSeq);
    }
    return undefined;
  }

  forget(conversationId: string): void {
    this.rings.delete(conversationId);
  }
}
