import { describe, expect, it } from 'vitest';
import { onStreamEnd } from '../../src/lib/stream-end';

const source = (chunks: string[], fail?: Error) =>
  new ReadableStream<string>({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk);
      if (fail) c.error(fail);
      else c.close();
    },
  });

async function readAll(stream: ReadableStream<string>): Promise<string[]> {
  const out: string[] = [];
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
  return out;
}

describe('onStreamEnd', () => {
  it('passes every chunk through and calls done once, before the reader sees the end', async () => {
    const calls: string[] = [];
    const stream = onStreamEnd(source(['a', 'b']), async () => {
      await new Promise((r) => setTimeout(r, 5));
      calls.push('done');
    });
    expect(await readAll(stream)).toEqual(['a', 'b']);
    expect(calls).toEqual(['done']);
  });

  it('calls done when the source fails, and passes the failure on', async () => {
    let done = 0;
    const stream = onStreamEnd(source(['a'], new Error('upstream broke')), () => void done++);
    await expect(readAll(stream)).rejects.toThrow('upstream broke');
    expect(done).toBe(1);
  });

  it('calls done when the reader cancels, and cancels the source', async () => {
    let done = 0;
    let cancelled: unknown;
    const inner = new ReadableStream<string>({ pull: (c) => c.enqueue('x'), cancel: (reason) => void (cancelled = reason) });
    const reader = onStreamEnd(inner, () => void done++).getReader();
    expect((await reader.read()).value).toBe('x');
    await reader.cancel('client left');
    expect(cancelled).toBe('client left');
    expect(done).toBe(1);
  });
});
