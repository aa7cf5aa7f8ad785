import { create, isMessage, type JsonWriteOptions, type Message } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { endStreamFlag, endStreamToJson } from "@connectrpc/connect/protocol-connect";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { type CallContext, lazyStreamRequest } from "./call-context.js";
import { isPushable, kPush, type PushableStream } from "../../domain/push-stream.js";
import { envelope } from "./envelope.js";
import { receivedExtraInput } from "./first-envelope.js";
import type { StreamInvoke } from "./interceptor-chain.js";
import { type MethodRoute, methodRoute, openCall, parseInput } from "./method-route.js";
import type { FastPathOptions } from "./options.js";
import { FAST_PATH_CONSTRAINT } from "./route-constraint.js";

type StreamRoute = MethodRoute<StreamInvoke>;

/**
 * Connect server streams (`application/connect+proto|json`, one uncompressed
 * request message, no deadline) served without the universal handler: the
 * same serialization, interceptors and end-stream encoding, with each
 * response message written to the socket as soon as it is yielded. Streams
 * carry run events, so this path sets Floe's time to first token.
 */
export function registerStreamRoutes(fastify: FastifyInstance, opts: FastPathOptions): void {
  for (const chain of opts.chains.stream.values()) {
    const route: StreamRoute = methodRoute(chain, opts);
    const { service, method } = chain;
    for (const format of ["stream-json", "stream-proto"] as const) {
      fastify.route({
        method: "POST",
        url: `/${service.typeName}/${method.name}`,
        constraints: { [FAST_PATH_CONSTRAINT]: format },
        handler: (req, reply) => handleStream(req, reply, format === "stream-proto", route),
      });
    }
  }
}

async function handleStream(req: FastifyRequest, reply: FastifyReply, binary: boolean, r: StreamRoute): Promise<void> {
  r.opts.counters.stream++;
  const { call, invalid } = openCall(r, req, reply, "connect");
  reply.hijack();
  const out = new StreamWriter(reply, call, binary);
  let error: ConnectError | undefined;
  try {
    if (invalid) throw invalid;
    const input = parseInput(r, binary, singleMessage(req.body as Buffer | undefined));
    const res = await r.invoke(lazyStreamRequest(call, input));
    // Handlers may yield init shapes, as Connect allows.
    const message = (m: unknown) =>
      (isMessage(m, r.method.output) ? m : create(r.method.output, m as never)) as Message;
    if (isPushable(res.message)) {
      // A push stream's messages go to many subscribers at once: each is framed once, for all of them.
      r.opts.counters.pushed++;
      await pushTo(res.message, out, (m) => sharedFrame(r, binary, message(m)));
    } else {
      for await (const m of res.message) {
        if (reply.raw.destroyed) break;
        // A client that does not read holds the stream here, not in server memory.
        const bytes = envelope(0, r.serialization.getO(binary).serialize(message(m)));
        if (!out.write(bytes)) await out.drained();
      }
    }
  } catch (e) {
    error = ConnectError.from(e, Code.Internal);
  } finally {
    call.done();
  }
  // A stream its handler ended because the deadline passed ends with that error, as in Connect's handlers.
  if (!error && call.deadlinePassed) error = new ConnectError("the operation timed out", Code.DeadlineExceeded);
  if (!error && receivedExtraInput(req.raw)) {
    error = new ConnectError(
      "protocol error: received extra input message for server-streaming method",
      Code.InvalidArgument,
    );
  }
  out.end(error, r.opts.jsonOptions as Partial<JsonWriteOptions>);
}

/** A number that changes once per tick: one nextTick for the whole process, not one per stream. */
let tickCount = 0;
let tickScheduled = false;
function currentTick(): number {
  if (!tickScheduled) {
    tickScheduled = true;
    process.nextTick(() => {
      tickCount++;
      tickScheduled = false;
    });
  }
  return tickCount;
}

/** Writes a push stream's messages as they come; a full client pauses it until the response drains. */
function pushTo(stream: PushableStream<unknown>, out: StreamWriter, frame: (m: unknown) => Buffer): Promise<void> {
  const raw = out.raw;
  if (raw.destroyed) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      raw.off("drain", onDrain);
      raw.off("close", onClose);
    };
    const onDrain = () => control.resume();
    const onClose = () => {
      cleanup();
      control.cancel();
      resolve();
    };
    raw.on("drain", onDrain);
    raw.on("close", onClose);
    const control = stream[kPush]({
      push: (m) => out.write(frame(m)),
      end: (error) => {
        cleanup();
        if (error === undefined) resolve();
        else reject(error);
      },
    });
  });
}

/** Frames of messages yielded to many streams at once (a feed event to every subscriber): enveloped once. */
const frames = [new WeakMap<object, Buffer>(), new WeakMap<object, Buffer>()];

function sharedFrame(r: StreamRoute, binary: boolean, m: Message): Buffer {
  const cache = frames[binary ? 1 : 0]!;
  let frame = cache.get(m);
  if (!frame) {
    frame = envelope(0, r.serialization.getO(binary).serialize(m));
    cache.set(m, frame);
  }
  return frame;
}

/** The request message of a Connect stream: exactly one uncompressed envelope. */
function singleMessage(body: Buffer | undefined): Uint8Array {
  const b = body ?? Buffer.alloc(0);
  if (b.length < 5 || b.readUInt32BE(1) !== b.length - 5) {
    throw new ConnectError(
      "invalid Connect stream request: expected exactly one length-prefixed message",
      Code.InvalidArgument,
    );
  }
  if (b[0] !== 0) throw new ConnectError("compressed request messages are not supported on this path", Code.Internal);
  return b.subarray(5);
}

/** Writes a Connect stream response: headers before the first message, each message as it comes, then the end. */
class StreamWriter {
  private headersSent = false;
  private corked = false;
  private lastTick = -1;

  constructor(
    private readonly reply: FastifyReply,
    private readonly call: CallContext,
    private readonly binary: boolean,
  ) {}

  /** Queues an enveloped message; false when the client is behind and the caller should wait for `drained`. */
  write(frame: Buffer): boolean {
    this.sendHeaders();
    const raw = this.reply.raw;
    // Messages yielded in the same tick leave in one write (one syscall), none later than this tick. The
    // first message of a tick is written as is: a stream that gets one (a feed event) pays for no cork.
    const tick = currentTick();
    if (this.lastTick === tick && !this.corked && typeof raw.cork === "function") {
      this.corked = true;
      raw.cork();
      process.nextTick(() => {
        if (!this.corked) return;
        this.corked = false;
        raw.uncork();
      });
    }
    this.lastTick = tick;
    return raw.write(frame);
  }

  get raw() {
    return this.reply.raw;
  }

  /** Resolves when the response can take more, or is gone. */
  drained(): Promise<void> {
    const raw = this.reply.raw;
    if (raw.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        raw.off("drain", done);
        raw.off("close", done);
        resolve();
      };
      raw.on("drain", done);
      raw.on("close", done);
    });
  }

  end(error: ConnectError | undefined, jsonOptions: Partial<JsonWriteOptions>): void {
    const raw = this.reply.raw;
    if (raw.destroyed) return;
    // Node 24 writes the chunked terminator of end() ahead of data still corked: uncork first.
    if (this.corked) {
      this.corked = false;
      raw.uncork();
    }
    this.sendHeaders();
    const end = endStreamToJson(this.call.peekResponseTrailer() ?? new Headers(), error, jsonOptions);
    raw.end(envelope(endStreamFlag, Buffer.from(JSON.stringify(end))));
  }

  private sendHeaders(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    const headers: Record<string, string> = {
      "content-type": this.binary ? "application/connect+proto" : "application/connect+json",
    };
    for (const [k, v] of Object.entries(this.reply.getHeaders())) if (v !== undefined) headers[k] = String(v);
    this.call.peekResponseHeader()?.forEach((v, k) => {
      headers[k] = v;
    });
    this.reply.raw.writeHead(200, headers);
  }
}
