/**
 * The items of an async iterable, each passed through `f`: one promise
 * reaction per item, where an async generator costs several. Return and
 * errors pass through.
 */
export function mapStream<T, U>(source: AsyncIterable<T>, f: (item: T) => U): AsyncIterable<U> {
  return {
    [Symbol.asyncIterator]() {
      const inner = source[Symbol.asyncIterator]();
      return {
        next: () =>
          inner
            .next()
            .then((r): IteratorResult<U> =>
              r.done ? { done: true, value: undefined } : { done: false, value: f(r.value) },
            ),
        return: (value?: unknown) =>
          inner.return
            ? inner.return(value).then((): IteratorResult<U> => ({ done: true, value: undefined }))
            : Promise.resolve({ done: true, value: undefined }),
      };
    },
  };
}
