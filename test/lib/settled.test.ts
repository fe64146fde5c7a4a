import { describe, expect, it } from 'vitest';
import { settlesAtOnce, settlesByNextTimer } from '../../src/lib/settled';

describe('settled', () => {
  it('a read of a chunk already queued settles at once; one waiting on a chunk does not', async () => {
    let controller!: ReadableStreamDefaultController<number>;
    const reader = new ReadableStream<number>({ start: (c) => void ((controller = c), c.enqueue(1)) }).getReader();
    expect(await settlesAtOnce(reader.read())).toBe(true);
    const waiting = reader.read();
    expect(await settlesAtOnce(waiting)).toBe(false);
    expect(await settlesByNextTimer(waiting)).toBe(false);
    controller.enqueue(2);
    expect(await settlesAtOnce(waiting)).toBe(true);
  });

  it('a rejection counts as settled; a promise resolved by a later timer settles only after it', async () => {
    const failed = Promise.reject(new Error('x'));
    expect(await settlesAtOnce(failed)).toBe(true);
    const later = new Promise((r) => setTimeout(r, 20));
    expect(await settlesByNextTimer(later)).toBe(false);
    expect(await settlesByNextTimer(Promise.resolve().then(() => 1))).toBe(true);
  });
});
