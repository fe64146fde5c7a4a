import { describe, expect, it } from 'vitest';
import { directStream, through, transformStream, type ByteTransformer } from '../../src/lib/pull-stream';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A source that holds all its chunks at once (as a burst from the upstream would). */
const burst = (parts: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(enc.encode(p));
      c.close();
    },
  });

const upper: ByteTransformer = {
  start: (c) => c.enqueue(enc.encode('<')),
  transform: (chunk, c) => c.enqueue(enc.encode(dec.decode(chunk).toUpperCase())),
  flush: (c) => c.enqueue(enc.encode('>')),
};

async function chunks(stream: ReadableStream<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const chunk of stream) out.push(dec.decode(chunk));
  return out;
}

describe('transformStream', () => {
  it('sends start output first, on its own, then joins chunks that are already there', async () => {
    const out = await chunks(transformStream(burst(['a', 'b', 'c']), upper));
    expect(out[0]).toBe('<');
    expect(out.join('')).toBe('<ABC>');
    expect(out.length).toBeLessThan(5);
  });

  it('does not wait for a chunk that is not there yet', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const source = new ReadableStream<Uint8Array>({
      async pull(c) {
        c.enqueue(enc.encode('x'));
        await gate;
        c.enqueue(enc.encode('y'));
        c.close();
      },
    });
    const reader = transformStream(source, upper).getReader();
    expect(dec.decode((await reader.read()).value)).toBe('<');
    expect(dec.decode((await reader.read()).value)).toBe('X');
    release();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += dec.decode(r.value);
    expect(rest).toBe('Y>');
  });

  it('terminate() ends the stream, flushes later stages and cancels the source', async () => {
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(enc.encode('stop')),
      cancel: () => void (cancelled = true),
    });
    const first: ByteTransformer = {
      transform(chunk, c) {
        c.enqueue(chunk);
        c.terminate();
      },
      flush: (c) => c.enqueue(enc.encode('never')),
    };
    const out = await chunks(through(transformStream(source, first), { flush: (c) => c.enqueue(enc.encode('!')) }));
    expect(out.join('')).toBe('stop!');
    expect(cancelled).toBe(true);
  });

  it("a failing source sends onError's bytes through the transformer, then flushes", async () => {
    const source = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode('ok'));
      },
      pull(c) {
        c.error(new Error('boom'));
      },
    });
    const out = await chunks(transformStream(source, upper, (err) => enc.encode(`[${(err as Error).message}]`)));
    expect(out.join('')).toBe('<OK[BOOM]>');
  });

  it('through() on a stream nobody has read joins it as a stage; on another stream it pipes', async () => {
    const stream = transformStream(burst(['a']), upper);
    const joined = through(stream, { transform: (chunk, c) => c.enqueue(enc.encode(`${dec.decode(chunk)}.`)) });
    expect(joined).toBe(stream);
    expect((await chunks(joined)).join('')).toBe('<.A.>.');
    const piped = through(burst(['q']), { transform: (chunk, c) => c.enqueue(chunk) });
    expect((await chunks(piped)).join('')).toBe('q');
  });
  it('a cancel while a read is pending neither flushes nor sends (a cancelled answer is not a finished one)', async () => {
    let flushed = false;
    let sourceCancelled = false;
    const source = new ReadableStream<Uint8Array>({
      pull: () => new Promise(() => {}),
      cancel() {
        sourceCancelled = true;
      },
    });
    const stream = transformStream(source, { transform: (chunk, c) => c.enqueue(chunk), flush: () => void (flushed = true) });
    const reader = stream.getReader();
    const read = reader.read();
    await new Promise((r) => setTimeout(r, 5));
    await reader.cancel('client gone');
    expect(await read).toEqual({ done: true, value: undefined });
    await new Promise((r) => setTimeout(r, 5));
    expect(sourceCancelled).toBe(true);
    expect(flushed).toBe(false);
  });
  it('directStream: transformStream takes its reads directly; any other reader gets the same bytes as a stream', async () => {
    const make = () => {
      const parts = ['a', 'b'];
      const calls = { read: 0, cancel: 0 };
      const stream = directStream({
        read: async () => {
          calls.read++;
          const p = parts.shift();
          return p === undefined ? { done: true, value: undefined } : { done: false, value: enc.encode(p) };
        },
        cancel: async () => void calls.cancel++,
      });
      return { stream, calls };
    };
    const direct = make();
    const out = transformStream(direct.stream, upper);
    expect(direct.stream.locked).toBe(true);
    expect((await chunks(out)).join('')).toBe('<AB>');
    expect(direct.calls.read).toBe(3);
    const plain = make();
    expect((await chunks(plain.stream)).join('')).toBe('ab');
    const cancelled = make();
    await transformStream(cancelled.stream, upper).cancel('gone');
    expect(cancelled.calls.cancel).toBe(1);
  });
});
