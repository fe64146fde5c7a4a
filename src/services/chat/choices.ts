import { isObj } from '../../lib/json';
import { SseDecoder, SSE_DONE, sseData } from '../../lib/sse';

/**
 * One upstream stream of n choices (a model that takes `n` itself: its chunks carry
 * `choices[].index`) as n streams of one choice each, so each choice takes the one-choice path
 * (completionTransformer) and mergeStreams interleaves them again. The call's usage covers every
 * choice: it goes to choice 0 only (one call, one usage, one charge). `[DONE]`, error events and
 * the upstream's end reach all of them; a stream reads the upstream only when it has nothing queued.
 */
export function splitChoices(source: ReadableStream<Uint8Array>, n: number): ReadableStream<Uint8Array>[] {
  const reader = source.getReader();
  const decoder = new SseDecoder();
  const queues: Uint8Array[][] = Array.from({ length: n }, () => []);
  let ended = false;
  let reading: Promise<void> | undefined;
  let cancelled = 0;

  const route = (data: string) => {
    if (data === '[DONE]') return queues.forEach((q) => q.push(SSE_DONE));
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return; // Not JSON: nothing a client could use (as completionTransformer does).
    }
    if (!isObj(event)) return;
    if (!Array.isArray(event.choices)) return queues.forEach((q) => q.push(sseData(event)));
    const { choices, usage, ...rest } = event;
    let usageSent = usage == null;
    for (const choice of choices) {
      const i = isObj(choice) && typeof choice.index === 'number' ? choice.index : 0;
      if (!(i >= 0 && i < n)) continue;
      const own = i === 0 && !usageSent;
      if (own) usageSent = true;
      queues[i]!.push(sseData({ ...rest, choices: [{ ...choice, index: 0 }], ...(own && { usage }) }));
    }
    if (!usageSent) queues[0]!.push(sseData({ ...rest, choices: [], usage }));
  };
  const fill = async () => {
    const r = await reader.read();
    if (r.done) {
      decoder.end(route);
      ended = true;
    } else decoder.push(r.value, route);
  };

  return queues.map(
    (queue) =>
      new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            while (!queue.length && !ended) await (reading ??= fill().finally(() => (reading = undefined)));
            const next = queue.shift();
            if (next) controller.enqueue(next);
            else controller.close();
          },
          cancel(reason) {
            if (++cancelled === n) return reader.cancel(reason);
          },
        },
        { highWaterMark: 0 },
      ),
  );
}
