import {
  create,
  isMessage,
  type DescMessage,
  type DescMethod,
  type DescService,
  type Message,
} from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  type ContextValues,
  type HandlerContext,
  type Interceptor,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import { trailerMux } from "@connectrpc/connect/protocol-connect";
import type { FastifyReply, FastifyRequest } from "fastify";

export type AnyImpl = (req: Message, ctx: HandlerContext) => unknown;

export type Invoke = (req: FastUnaryRequest) => Promise<UnaryResponse>;

/** Composes interceptors once per method, in Connect's order (first is outermost). */
export function chain(interceptors: Interceptor[], service: DescService, method: DescMethod, fn: AnyImpl): Invoke {
  const inner = async (req: UnaryRequest): Promise<UnaryResponse> => {
    const call = (req as FastUnaryRequest).call;
    const out = await fn(req.message, call);
    const message = isMessage(out, method.output) ? out : create(method.output as DescMessage, out as never);
    return {
      stream: false,
      service,
      method,
      header: call.responseHeader,
      trailer: call.responseTrailer,
      message,
    } as UnaryResponse;
  };
  let next = inner as unknown as (req: UnaryRequest) => Promise<UnaryResponse>;
  for (let i = interceptors.length - 1; i >= 0; i--) next = interceptors[i]!(next as never) as never;
  return next as unknown as Invoke;
}

/** A HandlerContext whose headers and signal are built on first use. */
export class FastCall implements HandlerContext {
  readonly requestMethod = "POST";
  private reqHeader?: Headers;
  private resHeader?: Headers;
  private resTrailer?: Headers;
  private controller?: AbortController;
  private finished = false;

  constructor(
    readonly service: DescService,
    readonly method: DescMethod,
    private readonly req: FastifyRequest,
    private readonly reply: FastifyReply,
    readonly values: ContextValues,
    readonly protocolName: "connect" | "grpc" | "compat" = "connect",
    /** A signal the caller owns (WebSocket, SSE); otherwise the reply's close aborts. */
    private readonly external?: AbortSignal,
  ) {}

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
    if (!this.reqHeader) {
      const h = new Headers();
      for (const [k, v] of Object.entries(this.req.headers)) {
        if (k.startsWith(":") || v === undefined) continue;
        if (Array.isArray(v)) for (const x of v) h.append(k, x);
        else h.set(k, v);
      }
      this.reqHeader = h;
    }
    return this.reqHeader;
  }

  get responseHeader(): Headers {
    return (this.resHeader ??= new Headers());
  }

  get responseTrailer(): Headers {
    return (this.resTrailer ??= new Headers());
  }

  /** Aborts when the client goes away mid-call, and (as in Connect) when the call ends. */
  get signal(): AbortSignal {
    if (this.external) return this.external;
    if (!this.controller) {
      const c = new AbortController();
      this.controller = c;
      this.reply.raw.once("close", () => {
        if (!this.finished) c.abort(new ConnectError("client disconnected", Code.Canceled));
      });
    }
    return this.controller.signal;
  }

  timeoutMs(): number | undefined {
    return undefined;
  }

  writeHeaders(reply: FastifyReply): void {
    if (!this.resHeader && !this.resTrailer) return;
    trailerMux(this.responseHeader, this.responseTrailer).forEach((value, key) => void reply.header(key, value));
  }

  done(): void {
    this.finished = true;
    this.controller?.abort();
  }
}

/** The UnaryRequest interceptors see; `header` and `signal` are lazy. */
export class FastUnaryRequest {
  readonly stream = false as const;
  readonly requestMethod = "POST";
  readonly init = {};

  constructor(
    readonly call: FastCall,
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
