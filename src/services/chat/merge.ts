import { SSE_DONE } from '../../lib/sse';

/**
 * Interleaves several SSE byte streams (one per choice, n > 1) into one, forwarding each chunk as
 * it arrives. Every source chunk must hold whole events, which completionTransformer guarantees (one pull-stream chunk holds whole events).
 * A source that ends after an error event (`failed(i)`) ends the whole stream: the others are
 * cancelled. Otherwise `tail()` gives the closing events (usage) before [DONE].
 */
export function mergeStreams(
  sources: ReadableStream<Uint8Array>[],
  tail: () => Uint8Array | undefined,
  failed: (index: number) => boolean,
): ReadableStream<Uint8Array> {
  type Read = [number, ReadableStreamReadResult<Uint8Array>];
  const readers = sources.map((s) => s.getReader());
  const pending = new Map<number, Promise<Read>>();
  const next = (i: number) => pending.set(i, readers[i]!.read().then((r): Read => [i, r]));
  readers.forEach((_, i) => next(i));
  const cancelAll = (reason?: unknown) => Promise.all(readers.map((r) => r.cancel(reason).catch(() => undefined)));

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let failure = false;
        while (pending.size) {
          const [i, r] = await Promise.race(pending.values());
          if (!r.done) {
            next(i);
            controller.enqueue(r.value);
            return;
          }
          pending.delete(i);
          if (failed(i)) {
            failure = true;
            pending.clear();
            await cancelAll();
          }
        }
        const last = failure ? undefined : tail();
        if (last) controller.enqueue(last);
        controller.enqueue(SSE_DONE);
        controller.close();
      },
      cancel(reason) {
        return cancelAll(reason).then(() => undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
