import type { PushControl, PushSink } from "../domain/push-stream.js";

/**
 * Iterates a push producer: at most one message waits here; while one does,
 * the producer holds the rest (and applies its own limits to them).
 */
export function pullFrom<T>(attach: (sink: PushSink<T>) => PushControl): AsyncIterator<T> {
  const queue: T[] = [];
  let ended = false;
  let failure: unknown;
  let waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;
  const control = attach({
    push(item) {
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        w.resolve({ done: false, value: item });
        return true;
      }
      queue.push(item);
      return false;
    },
    end(error) {
      ended = true;
      failure = error;
      const w = waiter;
      waiter = undefined;
      if (!w) return;
      if (error === undefined) w.resolve({ done: true, value: undefined });
      else w.reject(error);
    },
  });
  return {
    next() {
      if (queue.length > 0) {
        const value = queue.shift()!;
        if (queue.length === 0 && !ended) control.resume();
        return Promise.resolve({ done: false, value });
      }
      if (ended)
        return failure === undefined ? Promise.resolve({ done: true, value: undefined }) : Promise.reject(failure);
      return new Promise((resolve, reject) => (waiter = { resolve, reject }));
    },
    return() {
      ended = true;
      control.cancel();
      return Promise.resolve({ done: true, value: undefined });
    },
  };
}
