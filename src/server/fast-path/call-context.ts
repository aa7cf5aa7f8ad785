import type { DescMethod, DescService, Message } from "@bufbuild/protobuf";
import { Code, ConnectError, type ContextValues, type HandlerContext, type StreamRequest } from "@connectrpc/connect";
import { trailerMux } from "@connectrpc/connect/protocol-connect";
import type { FastifyReply, FastifyRequest } from "fastify";
import { headersFromNode } from "../../domain/node-headers.js";

/**
 * How a call learns that its client went away: the response closing
 * (Connect, gRPC, REST), or a signal its caller owns (a WebSocket, an SSE
 * stream that outlives the request).
 */
export type ClientGone =
  { response: { once(event: "close", listener: () => void): unknown } } | { signal: AbortSignal };

/** The protocol a call arrived on, as handlers see it in `ctx.protocolName`. */
export type CallProtocol = "connect" | "grpc" | "compat";

/**
 * A HandlerContext whose headers and signal are built on first use. Connect's
 * universal handler builds them for every call; most small calls never look.
 */
export class CallContext implements HandlerContext {
  readonly requestMethod = "POST";
  private reqHeader?: Headers;
  private resHeader?: Headers;
  private resTrailer?: Headers;
  private controller?: AbortController;
  private deadlineTimer?: NodeJS.Timeout;
  private finished = false;
  /** When the call's deadline passes (epoch ms), from its timeout header; undefined without one. */
  private readonly deadline?: number;

  constructor(
    readonly service: DescService,
    readonly method: DescMethod,
    private readonly req: FastifyRequest,
    readonly values: ContextValues,
    readonly protocolName: CallProtocol,
    private readonly gone: ClientGone,
    timeoutMs?: number,
  ) {
    if (timeoutMs !== undefined) this.deadline = Date.now() + timeoutMs;
  }

  /** True once the call's deadline has passed. */
  get deadlinePassed(): boolean {
    return this.deadline !== undefined && Date.now() >= this.deadline;
  }

  peekResponseHeader(): Headers | undefined {
    return this.resHeader;
  }

  peekResponseTrailer(): Headers | undefined {
    return this.resTrailer;
  }

  get url(): string {
    return `http://${this.req.headers.host ?? this.req.headers[":authority"] ?? "localhost"}${this.req.url}`;
  }

  get requestHeader(): Headers {
    this.reqHeader ??= headersFromNode(this.req.headers);
    return this.reqHeader;
  }

  get responseHeader(): Headers {
    this.resHeader ??= new Headers();
    return this.resHeader;
  }

  get responseTrailer(): Headers {
    this.resTrailer ??= new Headers();
    return this.resTrailer;
  }

  /**
   * Aborts when the client goes away mid-call, when the call's deadline
   * passes (DeadlineExceeded, as Connect's handlers do), and (as in Connect)
   * when the call ends. Built on first use: most small calls never look.
   */
  get signal(): AbortSignal {
    if ("signal" in this.gone && this.deadline === undefined) return this.gone.signal;
    if (!this.controller) {
      const c = new AbortController();
      this.controller = c;
      const gone = () => {
        if (!this.finished) c.abort(new ConnectError("client disconnected", Code.Canceled));
      };
      if ("signal" in this.gone) this.gone.signal.addEventListener("abort", gone, { once: true });
      else this.gone.response.once("close", gone);
      if (this.deadline !== undefined) {
        const expire = () => c.abort(new ConnectError("the operation timed out", Code.DeadlineExceeded));
        this.deadlineTimer = setTimeout(expire, Math.max(0, this.deadline - Date.now()));
      }
    }
    return this.controller.signal;
  }

  /** What remains of the call's deadline, in ms; undefined without one. */
  timeoutMs(): number | undefined {
    return this.deadline === undefined ? undefined : Math.max(0, this.deadline - Date.now());
  }

  /** Copies response headers and trailers a handler set onto a unary reply. */
  writeHeaders(reply: FastifyReply): void {
    if (!this.resHeader && !this.resTrailer) return;
    trailerMux(this.responseHeader, this.responseTrailer).forEach((value, key) => void reply.header(key, value));
  }

  done(): void {
    this.finished = true;
    clearTimeout(this.deadlineTimer);
    this.controller?.abort();
  }
}

/** The UnaryRequest interceptors see; `header` and `signal` are lazy. */
export class LazyUnaryRequest {
  readonly stream = false as const;
  readonly requestMethod = "POST";
  readonly init = {};

  constructor(
    readonly call: CallContext,
    readonly message: Message,
  ) {}

  get service() {
    return this.call.service;
  }
  get method() {
    return this.call.method;
  }
  get url() {
    return this.call.url;
  }
  get header() {
    return this.call.requestHeader;
  }
  get signal() {
    return this.call.signal;
  }
  get contextValues() {
    return this.call.values;
  }
}

/** The StreamRequest interceptors see for a server stream's single input; header and signal are lazy. */
export function lazyStreamRequest(call: CallContext, input: Message): StreamRequest {
  return {
    stream: true,
    service: call.service,
    method: call.method,
    requestMethod: "POST",
    url: call.url,
    get signal() {
      return call.signal;
    },
    get header() {
      return call.requestHeader;
    },
    contextValues: call.values,
    message: (async function* () {
      yield input;
    })(),
    call,
  } as unknown as StreamRequest;
}
