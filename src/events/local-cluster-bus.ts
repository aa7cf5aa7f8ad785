import { EventEmitter } from "node:events";
import type { ClusterBus, ControlMessage, ConversationNews } from "./cluster-bus.js";

/**
 * One instance alone (SQLite, or Postgres with clustering off): events are
 * already published in process, so announcements go nowhere; control
 * commands are delivered to this instance's own listeners.
 */
export class LocalClusterBus implements ClusterBus {
  readonly shared = false;
  private readonly control = new EventEmitter();

  constructor(readonly instanceId: string) {
    this.control.setMaxListeners(0);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  announceEvents(): void {}

  announceFeed(): void {}

  sendControl(message: ControlMessage): Promise<void> {
    this.control.emit("control", { ...message, origin: this.instanceId });
    return Promise.resolve();
  }

  onEvents(_listener: (news: ConversationNews) => void): () => void {
    return () => {};
  }

  onFeed(_listener: (cursor: number, origin: string) => void): () => void {
    return () => {};
  }

  onControl(listener: (message: ControlMessage) => void): () => void {
    this.control.on("control", listener);
    return () => this.control.off("control", listener);
  }

  onResync(_listener: () => void): () => void {
    return () => {};
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
