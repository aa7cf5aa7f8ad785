import { type BaseEvent, EventType } from "@ag-ui/core";
import { AGUI_MEDIA_TYPE, EventEncoder } from "@ag-ui/encoder";
import { ConnectError } from "@connectrpc/connect";
import type { FastifyReply } from "fastify";
import { codeName } from "../../domain/code-name.js";
import { openEventStream } from "../open-event-stream.js";

/**
 * The response of an AG-UI run: SSE, or AG-UI's protobuf framing when the
 * client's Accept header names it and prefers it, as @ag-ui/encoder
 * negotiates. Writes after the client went away are dropped.
 */
export class AgUiEventWriter {
  private readonly encoder: EventEncoder;

  constructor(
    private readonly reply: FastifyReply,
    accept: string | undefined,
  ) {
    // The encoder negotiates; only a client that names AG-UI's protobuf type may get it. A bare wildcard
    // (curl's `*/*`) gets SSE, the protocol's default, not binary frames.
    const named = accept?.toLowerCase().includes(AGUI_MEDIA_TYPE);
    this.encoder = new EventEncoder(named ? { accept } : {});
  }

  /** Starts the response on a hijacked reply. */
  open(): void {
    openEventStream(this.reply, { "content-type": this.encoder.getContentType() });
  }

  get closed(): boolean {
    return this.reply.raw.destroyed || this.reply.raw.writableEnded;
  }

  send(events: readonly BaseEvent[]): void {
    for (const e of events) if (!this.closed) this.reply.raw.write(this.encoder.encodeBinary(e));
  }

  /** An SSE comment while the run is quiet, so proxies keep the connection; protobuf framing has none. */
  keepAlive(): void {
    if (!this.closed && this.encoder.getContentType() === "text/event-stream") this.reply.raw.write(": keep-alive\n\n");
  }

  end(): void {
    if (!this.closed) this.reply.raw.end();
  }
}

/** RUN_ERROR for anything thrown: the message says what was wrong, the code is Connect's code name. */
export function runError(e: unknown): BaseEvent {
  const err = ConnectError.from(e);
  return { type: EventType.RUN_ERROR, message: err.rawMessage, code: codeName(err.code) };
}
