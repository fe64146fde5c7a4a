/**
 * Runs `fn` over `items` with at most `limit` calls in flight, results in input order. The first
 * failure aborts the shared signal (so calls in flight can stop) and no further item is started.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number, signal: AbortSignal) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      controller.signal.throwIfAborted();
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i, controller.signal);
      } catch (err) {
        controller.abort(err);
        throw err;
      }
    }
  };
  try {
    // Promise.all rejects with the first failure; the other workers stop at their next item.
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return out;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
