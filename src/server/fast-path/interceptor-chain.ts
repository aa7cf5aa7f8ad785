import {
  create,
  type DescMessage,
  type DescMethod,
  type DescService,
  isMessage,
  type Message,
} from "@bufbuild/protobuf";
import type {
  HandlerContext,
  Interceptor,
  StreamRequest,
  StreamResponse,
  UnaryRequest,
  UnaryResponse,
} from "@connectrpc/connect";
import type { ServiceBinding } from "../../services/registry.js";
import type { CallContext, LazyUnaryRequest } from "./call-context.js";

export type UnaryInvoke = (req: LazyUnaryRequest) => Promise<UnaryResponse>;
export type StreamInvoke = (req: StreamRequest) => Promise<StreamResponse>;

type AnyImpl = (req: Message, ctx: HandlerContext) => unknown;
type StreamImpl = (req: Message, ctx: HandlerContext) => AsyncIterable<unknown>;

/** Every method of some services, each bound to its implementation through the interceptor chain. */
export interface MethodChains {
  unary: ReadonlyMap<string, { service: DescService; method: DescMethod; invoke: UnaryInvoke }>;
  stream: ReadonlyMap<string, { service: DescService; method: DescMethod; invoke: StreamInvoke }>;
}

/** The key of a method in MethodChains: `package.Service/Method`. */
export function methodKey(method: DescMethod): string {
  return `${method.parent.typeName}/${method.name}`;
}

/**
 * Composes the interceptors once per method, in Connect's order (the first
 * is outermost), for unary and server-streaming methods. The fast paths and
 * the in-process invoker all call methods through these chains, so every
 * surface gets the same auth, errors and logging.
 */
export function bindMethods(bindings: readonly ServiceBinding[], interceptors: readonly Interceptor[]): MethodChains {
  const unary = new Map<string, { service: DescService; method: DescMethod; invoke: UnaryInvoke }>();
  const stream = new Map<string, { service: DescService; method: DescMethod; invoke: StreamInvoke }>();
  for (const { service, impl } of bindings) {
    for (const method of service.methods) {
      const fn = (impl as Record<string, AnyImpl>)[method.localName]!.bind(impl);
      if (method.methodKind === "unary") {
        unary.set(methodKey(method), { service, method, invoke: unaryChain(interceptors, method, fn) });
      } else if (method.methodKind === "server_streaming") {
        const invoke = streamChain(interceptors, method, fn as StreamImpl);
        stream.set(methodKey(method), { service, method, invoke });
      }
    }
  }
  return { unary, stream };
}

function unaryChain(interceptors: readonly Interceptor[], method: DescMethod, fn: AnyImpl): UnaryInvoke {
  const inner = async (req: UnaryRequest): Promise<UnaryResponse> => {
    const call = (req as unknown as LazyUnaryRequest).call;
    const out = await fn(req.message, call);
    const message = isMessage(out, method.output) ? out : create(method.output as DescMessage, out as never);
    const { service } = call;
    return {
      stream: false,
      service,
      method,
      header: call.responseHeader,
      trailer: call.responseTrailer,
      message,
    } as UnaryResponse;
  };
  return wrap(interceptors, inner) as unknown as UnaryInvoke;
}

function streamChain(interceptors: readonly Interceptor[], method: DescMethod, fn: StreamImpl): StreamInvoke {
  const inner = async (req: StreamRequest): Promise<StreamResponse> => {
    const call = (req as unknown as { call: CallContext }).call;
    let first: Message | undefined;
    for await (const m of req.message) {
      first = m as Message;
      break;
    }
    // The handler's stream as it is: a push stream stays one (see domain/push-stream).
    const message = fn(first!, call) as AsyncIterable<never>;
    const { service } = call;
    return {
      stream: true,
      service,
      method,
      header: call.responseHeader,
      trailer: call.responseTrailer,
      message,
    } as StreamResponse;
  };
  return wrap(interceptors, inner);
}

function wrap<F>(interceptors: readonly Interceptor[], inner: F): F {
  let next = inner;
  for (let i = interceptors.length - 1; i >= 0; i--) next = interceptors[i]!(next as never) as never;
  return next;
}
