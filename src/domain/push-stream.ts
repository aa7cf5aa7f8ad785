/**
 * Push delivery for server streams with many idle readers (the event feed).
 * A stream that offers it also iterates as usual; a surface that knows it
 * attaches a sink instead of awaiting each message, so an idle subscriber
 * holds no pending promise and an event costs one call per subscriber.
 */
export const kPush: unique symbol = Symbol("floe.push");

export interface PushSink<T> {
  /** Takes one message; false when the reader is full: the producer holds what follows until `resume`. */
  push(item: T): boolean;
  /** The stream ended: normally, or with an error. Called once. */
  end(error?: unknown): void;
}

export interface PushControl {
  /** The reader can take more. */
  resume(): void;
  /** The reader went away: stop, without calling `end`. */
  cancel(): void;
}

export interface PushableStream<T> extends AsyncIterable<T> {
  [kPush](sink: PushSink<T>): PushControl;
}

export function isPushable<T>(s: AsyncIterable<T>): s is PushableStream<T> {
  return typeof (s as Partial<PushableStream<T>>)[kPush] === "function";
}

/**
 * The same stream with each message passed through `f` and hooks on its
 * end; push delivery, when the source offers it, is kept.
 */
export function adaptStream<T, U>(
  source: AsyncIterable<T>,
  f: (item: T) => U,
  onEnd: (error?: unknown) => unknown = () => undefined,
): AsyncIterable<U> {
  const iterable: AsyncIterable<U> = {
    [Symbol.asyncIterator]() {
      const inner = source[Symbol.asyncIterator]();
      let ended = false;
      const end = (error?: unknown) => {
        if (ended) return error;
        ended = true;
        return onEnd(error) ?? error;
      };
      return {
        next: () =>
          inner.next().then(
            (r): IteratorResult<U> => {
              if (!r.done) return { done: false, value: f(r.value) };
              end();
              return { done: true, value: undefined };
            },
            (e: unknown) => Promise.reject(end(e)),
          ),
        return: async (value?: unknown) => {
          end(CANCELLED);
          await inner.return?.(value);
          return { done: true, value: undefined };
        },
      };
    },
  };
  if (!isPushable(source)) return iterable;
  return Object.assign(iterable, {
    [kPush](sink: PushSink<U>): PushControl {
      let ended = false;
      const control = source[kPush]({
        push: (item) => sink.push(f(item)),
        end: (error) => {
          ended = true;
          sink.end(onEnd(error) ?? error);
        },
      });
      return {
        resume: () => control.resume(),
        cancel: () => {
          if (!ended) onEnd(CANCELLED);
          ended = true;
          control.cancel();
        },
      };
    },
  });
}

/** What `onEnd` gets when the reader went away before the end. */
export const CANCELLED = Symbol("floe.cancelled");

/** The items of an async iterable, each passed through `f` (push delivery kept). */
export function mapStream<T, U>(source: AsyncIterable<T>, f: (item: T) => U): AsyncIterable<U> {
  return adaptStream(source, f);
}
