import { describe, expect, it } from 'vitest';
import { mapBounded } from '../../src/lib/bounded';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('mapBounded', () => {
  it('keeps input order with at most `limit` calls in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded([5, 1, 4, 2, 3], 2, async (n, i) => {
      peak = Math.max(peak, ++inFlight);
      for (let k = 0; k < n; k++) await tick();
      inFlight--;
      return `${i}:${n}`;
    });
    expect(out).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3']);
    expect(peak).toBe(2);
    expect(await mapBounded([], 3, async () => 1)).toEqual([]);
  });

  it('rejects with the first failure, aborts the shared signal and starts no further item', async () => {
    const started: number[] = [];
    let seen: AbortSignal | undefined;
    const run = mapBounded([0, 1, 2, 3, 4], 2, async (n, _i, signal) => {
      started.push(n);
      if (n === 0) {
        seen = signal;
        await tick();
        await tick();
        return n;
      }
      throw new Error(`boom ${n}`);
    });
    await expect(run).rejects.toThrow('boom 1');
    expect(seen?.aborted).toBe(true);
    expect(started).toEqual([0, 1]);
  });

  it('stops before starting when the caller signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    let calls = 0;
    await expect(mapBounded([1, 2], 1, async () => ++calls, controller.signal)).rejects.toThrow('gone');
    expect(calls).toBe(0);
  });
});
