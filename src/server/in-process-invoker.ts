import {
  create,
  type DescMessage,
  type DescMethod,
  type DescService,
  type Message,
  type MessageInitShape,
  type MessageShape,
} from "@bufbuild/protobuf";
import type { ContextValues, Interceptor, StreamRequest, StreamResponse } from "@connectrpc/connect";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { ServiceBinding } from "../services/registry.js";
import { chain, FastCall, FastUnaryRequest, type AnyImpl, type Invoke } from "./lazy-call.js";

export type StreamImpl = (req: Message, ctx: FastCall) => AsyncIterable<unknown>;
export type StreamInvoke = (req: StreamRequest) => Promise<StreamResponse>;

/**
 * Calls a service implementation in-process, through the same interceptor
 * chain as the Connect and gRPC routes, with no serialization. The legacy
 * JSON surfaces use it, so auth, validation, errors and logging are the same
 * on every surface.
 */
export class InProcessInvoker {
  private readonly unaryInvokers = new Map<string, Invoke>();
  private readonly streamInvokers = new Map<string, StreamInvoke>();

  constructor(
    bindings: readonly ServiceBinding[],
    interceptors: Interceptor[],
    private readonly contextValues: (req: FastifyRequest) => ContextValues,
  ) {
    for (const { service, impl } of bindings) {
      for (const method of service.methods) {
        const fn = (impl as unknown as Record<string, AnyImpl>)[method.localName]!.bind(impl);
        if (method.methodKind === "unary")
          this.unaryInvokers.set(key(method), chain(interceptors, service, method, fn));
        if (method.methodKind === "server_streaming")
          this.streamInvokers.set(key(method), streamChain(interceptors, service, method, fn as unknown as StreamImpl));
      }
    }
  }

  async unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethod & { input: I; output: O },
    input: MessageInitShape<I>,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<MessageShape<O>> {
    const invoke = this.unaryInvokers.get(key(method))!;
    const call = new FastCall(method.parent, method, req, reply, this.contextValues(req), "compat");
    try {
      const res = await invoke(new FastUnaryRequest(call, create(method.input, input as never)));
      return res.message as MessageShape<O>;
    } finally {
      call.done();
    }
  }

  /** A server stream; `signal` ends it (client gone) and reaches the handler as ctx.signal. */
  async *stream<I extends DescMessage, O extends DescMessage>(
    method: DescMethod & { input: I; output: O },
    input: MessageInitShape<I>,
    req: FastifyRequest,
    reply: FastifyReply,
    signal: AbortSignal,
  ): AsyncGenerator<MessageShape<O>> {
    const invoke = this.streamInvokers.get(key(method))!;
    const call = new FastCall(method.parent, method, req, reply, this.contextValues(req), "compat", signal);
    const res = await invoke(streamRequest(call, create(method.input, input as never)));
    yield* res.message as AsyncIterable<MessageShape<O>>;
  }
}

/** The StreamRequest interceptors see for a server stream's single input; header and signal are lazy. */
export function streamRequest(call: FastCall, input: Message): StreamRequest {
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

function key(method: DescMethod): string {
  return `${method.parent.typeName}/${method.name}`;
}

export function streamChain(
  interceptors: Interceptor[],
  service: DescService,
  method: DescMethod,
  fn: StreamImpl,
): StreamInvoke {
  const inner = async (req: StreamRequest): Promise<StreamResponse> => {
    const call = (req as unknown as { call: FastCall }).call;
    let first: Message | undefined;
    for await (const m of req.message) {
      first = m as Message;
      break;
    }
    const out = fn(first!, call);
    const message = (async function* () {
      for await (const m of out) yield m as never;
    })();
    return {
      stream: true,
      service,
      method,
      header: call.responseHeader,
      trailer: call.responseTrailer,
      message,
    } as StreamResponse;
  };
  let next = inner as unknown as StreamInvoke;
  for (let i = interceptors.length - 1; i >= 0; i--) next = interceptors[i]!(next as never) as never;
  return next;
}
