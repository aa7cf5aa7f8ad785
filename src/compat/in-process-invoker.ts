import {
  create,
  type DescMessage,
  type DescMethod,
  type MessageInitShape,
  type MessageShape,
} from "@bufbuild/protobuf";
import type { ContextValues } from "@connectrpc/connect";
import type { FastifyReply, FastifyRequest } from "fastify";
import { isPushable, kPush, type PushableStream, type PushControl, type PushSink } from "../domain/push-stream.js";
import {
  CallContext,
  LazyUnaryRequest,
  lazyStreamRequest,
  type MethodChains,
  methodKey,
} from "../server/fast-path/index.js";

/**
 * Calls a service implementation in-process, through the same interceptor
 * chain as the Connect and gRPC routes, with no serialization. The legacy
 * JSON surfaces use it, so auth, validation, errors and logging are the same
 * on every surface.
 */
export class InProcessInvoker {
  constructor(
    private readonly chains: MethodChains,
    private readonly contextValues: (req: FastifyRequest) => ContextValues,
  ) {}

  /** A unary call for a REST route; the reply closing early cancels it. */
  async unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethod & { input: I; output: O },
    input: MessageInitShape<I>,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<MessageShape<O>> {
    const { invoke } = this.chains.unary.get(methodKey(method))!;
    const call = new CallContext(method.parent, method, req, this.contextValues(req), "compat", {
      response: reply.raw,
    });
    try {
      const res = await invoke(new LazyUnaryRequest(call, create(method.input, input as never)));
      return res.message as MessageShape<O>;
    } finally {
      call.done();
    }
  }

  /**
   * A server stream; `signal` ends it (the client went away) and reaches the
   * handler as ctx.signal. The call starts on the first read; after that,
   * reads go straight to the handler's stream, with no extra step per message.
   */
  stream<I extends DescMessage, O extends DescMessage>(
    method: DescMethod & { input: I; output: O },
    input: MessageInitShape<I>,
    req: FastifyRequest,
    signal: AbortSignal,
  ): PushableStream<MessageShape<O>> {
    const { invoke } = this.chains.stream.get(methodKey(method))!;
    const contextValues = this.contextValues;
    const open = async () => {
      const call = new CallContext(method.parent, method, req, contextValues(req), "compat", { signal });
      const res = await invoke(lazyStreamRequest(call, create(method.input, input as never)));
      return res.message as AsyncIterable<MessageShape<O>>;
    };
    return {
      [Symbol.asyncIterator]() {
        let inner: AsyncIterator<MessageShape<O>> | undefined;
        return {
          next: () => (inner ? inner.next() : open().then((m) => (inner = m[Symbol.asyncIterator]()).next())),
          return: async (value?: unknown) => {
            await inner?.return?.(value);
            return { done: true as const, value: undefined };
          },
        };
      },
      // Push delivery reaches through when the handler's stream offers it; otherwise its messages are pumped.
      [kPush](sink: PushSink<MessageShape<O>>): PushControl {
        let control: PushControl | undefined;
        let cancelled = false;
        open().then(
          (messages) => {
            if (cancelled) return void messages[Symbol.asyncIterator]().return?.();
            control = isPushable(messages) ? messages[kPush](sink) : pump(messages, sink);
          },
          (e: unknown) => sink.end(e),
        );
        return {
          resume: () => control?.resume(),
          cancel: () => {
            cancelled = true;
            control?.cancel();
          },
        };
      },
    };
  }
}

/** Pushes an iterated stream's messages, waiting while the sink is full. */
function pump<T>(messages: AsyncIterable<T>, sink: PushSink<T>): PushControl {
  const it = messages[Symbol.asyncIterator]();
  let resumed: (() => void) | undefined;
  let cancelled = false;
  void (async () => {
    try {
      for (let r = await it.next(); !r.done && !cancelled; r = await it.next()) {
        if (!sink.push(r.value)) await new Promise<void>((resolve) => (resumed = resolve));
      }
      if (!cancelled) sink.end();
    } catch (e) {
      if (!cancelled) sink.end(e);
    }
  })();
  return {
    resume: () => resumed?.(),
    cancel: () => {
      cancelled = true;
      resumed?.();
      void it.return?.();
    },
  };
}
