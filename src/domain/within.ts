/** Waits for every promise, or `ms` at most (whichever comes first); never rejects. */
export async function allWithin(promises: readonly Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // Not holding the process open: a shutdown does not wait for the limit.
  const limit = new Promise<void>((r) => (timer = setTimeout(r, ms).unref()));
  await Promise.race([Promise.allSettled(promises), limit]);
  clearTimeout(timer);
}
