import { EventEmitter } from "node:events";
import pg from "pg";
import type { Logger } from "../domain/logger.js";
import type { ClusterBus, ControlMessage, ConversationNews } from "./cluster-bus.js";

/** The channels: one per kind of news, so a listener parses only what it asked for. */
export const CHANNELS = { events: "floe_events", feed: "floe_feed", control: "floe_control" } as const;
/** Postgres refuses a NOTIFY payload of 8000 bytes or more; news is split below it. */
const MAX_PAYLOAD = 7000;

export interface PgClusterBusOptions {
  /** First delay before reconnecting the listening connection; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * The cluster bus over Postgres LISTEN/NOTIFY: one dedicated listening
 * connection per instance (a `pg.Client`, outside the pool, since LISTEN is
 * per session), and NOTIFY sent through a separate client. When the
 * listening connection drops it reconnects with backoff and then fires
 * `resync`: notifications sent meanwhile are lost, and listeners catch up
 * from the tables.
 */
export class PgClusterBus implements ClusterBus {
  readonly shared = true;
  private listener: pg.Client | undefined;
  private sender: pg.Client | undefined;
  private sending: Promise<unknown> = Promise.resolve();
  private readonly bus = new EventEmitter();
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;

  constructor(
    private readonly url: string,
    readonly instanceId: string,
    private readonly log: Logger,
    opts: PgClusterBusOptions = {},
  ) {
    this.bus.setMaxListeners(0);
    this.retryMs = opts.retryMs ?? 100;
    this.maxRetryMs = opts.maxRetryMs ?? 2000;
  }

  async start(): Promise<void> {
    await this.listen();
  }

  /** The listening connection's backend pid (tests end it to exercise the reconnect). */
  async listenerPid(): Promise<number | undefined> {
    const r = await this.listener?.query<{ pid: number }>("select pg_backend_pid() as pid");
    return r?.rows[0]?.pid;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    // Without an error listener a dropped connection would end the process.
    client.on("error", (err) => this.lost(client, err));
    client.on("end", () => this.lost(client));
    client.on("notification", (n) => this.receive(n.channel, n.payload ?? ""));
    await client.connect();
    await client.query(
      Object.values(CHANNELS)
        .map((c) => `LISTEN ${c}`)
        .join("; "),
    );
    this.listener = client;
  }

  private lost(client: pg.Client, err?: Error): void {
    if (this.listener !== client || this.closed) return;
    this.listener = undefined;
    this.log.warn(
      { err: err?.message, instanceId: this.instanceId },
      "cluster listening connection lost; reconnecting",
    );
    this.reconnect(this.retryMs);
  }

  private reconnect(delay: number): void {
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.listen().then(
        () => {
          this.log.info({ instanceId: this.instanceId }, "cluster listening connection back; catching up");
          this.bus.emit("resync");
        },
        (err: unknown) => {
          this.log.warn({ err, instanceId: this.instanceId }, "cluster listening connection failed; retrying");
          if (!this.closed) this.reconnect(Math.min(delay * 2, this.maxRetryMs));
        },
      );
    }, delay);
  }

  private receive(channel: string, payload: string): void {
    let m: { o: string; e?: [string, number][]; f?: number; c?: ControlMessage };
    try {
      m = JSON.parse(payload) as typeof m;
    } catch {
      return this.log.warn({ channel }, "ignored a malformed cluster notification");
    }
    if (channel === CHANNELS.control && m.c) return void this.bus.emit("control", { ...m.c, origin: m.o });
    // Our own news was already published in process.
    if (m.o === this.instanceId) return;
    if (channel === CHANNELS.events && m.e) {
      for (const [conversationId, seq] of m.e) this.bus.emit("events", { conversationId, seq, origin: m.o });
    } else if (channel === CHANNELS.feed && m.f !== undefined) {
      this.bus.emit("feed", m.f, m.o);
    }
  }

  announceEvents(news: readonly { conversationId: string; seq: number }[]): void {
    let chunk: [string, number][] = [];
    let size = 0;
    for (const n of news) {
      const entry: [string, number] = [n.conversationId, n.seq];
      const bytes = Buffer.byteLength(JSON.stringify(entry)) + 1;
      if (size + bytes > MAX_PAYLOAD && chunk.length > 0) {
        this.notify(CHANNELS.events, { o: this.instanceId, e: chunk });
        chunk = [];
        size = 0;
      }
      chunk.push(entry);
      size += bytes;
    }
    if (chunk.length > 0) this.notify(CHANNELS.events, { o: this.instanceId, e: chunk });
  }

  announceFeed(cursor: number): void {
    this.notify(CHANNELS.feed, { o: this.instanceId, f: cursor });
  }

  sendControl(message: ControlMessage): Promise<void> {
    return this.notify(CHANNELS.control, { o: this.instanceId, c: { type: message.type, fields: message.fields } });
  }

  /** NOTIFYs in order over one sending connection (opened on first use, reopened after an error). */
  private notify(channel: string, body: object): Promise<void> {
    const payload = JSON.stringify(body);
    const sent = this.sending.then(async () => {
      if (this.closed) return;
      try {
        this.sender ??= await this.openSender();
        await this.sender.query("select pg_notify($1, $2)", [channel, payload]);
      } catch (err) {
        this.log.error({ err, channel }, "cluster NOTIFY failed; other instances catch up on their next news");
        const s = this.sender;
        this.sender = undefined;
        await s?.end().catch(() => undefined);
      }
    });
    this.sending = sent;
    return sent;
  }

  private async openSender(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url });
    client.on("error", () => {
      if (this.sender === client) this.sender = undefined;
    });
    await client.connect();
    return client;
  }

  onEvents(listener: (news: ConversationNews) => void): () => void {
    return this.on("events", listener);
  }

  onFeed(listener: (cursor: number, origin: string) => void): () => void {
    return this.on("feed", listener);
  }

  onControl(listener: (message: ControlMessage) => void): () => void {
    return this.on("control", listener);
  }

  onResync(listener: () => void): () => void {
    return this.on("resync", listener);
  }

  private on<A extends unknown[]>(name: string, listener: (...args: A) => void): () => void {
    const l = listener as (...args: unknown[]) => void;
    this.bus.on(name, l);
    return () => this.bus.off(name, l);
  }

  async close(): Promise<void> {
    await this.sending;
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const clients = [this.listener, this.sender];
    this.listener = this.sender = undefined;
    await Promise.all(clients.map((c) => c?.end().catch(() => undefined)));
  }
}
