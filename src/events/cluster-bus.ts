/** "Conversation `conversationId` has stored events up to `seq`", from instance `origin`. */
export interface ConversationNews {
  conversationId: string;
  seq: number;
  origin: string;
}

/** A command for the instance executing a run (cancel, an approval's answer, a human reply). */
export interface ControlMessage {
  /** What to do; each listener acts on the types it knows and ignores the rest. */
  type: string;
  /** The run, conversation, approval or other ids the command names. */
  fields: Record<string, string>;
  /** The instance that sent it (filled in by the bus). */
  origin?: string;
}

/**
 * What instances sharing one database tell each other. It carries only
 * pointers ("news up to seq N", "the feed reached cursor C", a control
 * command); the events themselves stay in the events table, the one source of
 * truth, so a missed message is recovered by reading the table (see `onResync`).
 *
 * The Postgres implementation uses LISTEN/NOTIFY; NATS JetStream or Redis
 * Streams could replace it behind this interface (docs/scaling.md).
 */
export interface ClusterBus {
  /** This instance: in logs, in /metrics, and as `origin` on what it sends. */
  readonly instanceId: string;
  /** False for a single in-process instance (SQLite): nothing crosses instances and the remote paths stay off. */
  readonly shared: boolean;
  /** Connects the listening side. */
  start(): Promise<void>;
  /** Announces events stored (committed) up to these seqs. */
  announceEvents(news: readonly { conversationId: string; seq: number }[]): void;
  /** Announces feed items stored up to `cursor`. */
  announceFeed(cursor: number): void;
  /** Sends a control command to every instance (the one that owns its target acts). */
  sendControl(message: ControlMessage): Promise<void>;
  /** Hears other instances' event news; returns the function that stops. */
  onEvents(listener: (news: ConversationNews) => void): () => void;
  /** Hears other instances' feed cursors. */
  onFeed(listener: (cursor: number, origin: string) => void): () => void;
  /** Hears control commands from any instance, this one included. */
  onControl(listener: (message: ControlMessage) => void): () => void;
  /** Runs after the listening side reconnected: news may have been missed, so read the table again. */
  onResync(listener: () => void): () => void;
  close(): Promise<void>;
}
