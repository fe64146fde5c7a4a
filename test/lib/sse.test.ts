import { describe, expect, it } from 'vitest';
import { SSE_DONE, SseDecoder, pipeWithErrorEvent, sseData } from '../../src/lib/sse';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function decodeAll(chunks: Uint8Array[]): string[] {
  const out: string[] = [];
  const decoder = new SseDecoder();
  for (const c of chunks) decoder.push(c, (d) => out.push(d));
  decoder.end((d) => out.push(d));
  return out;
}

describe('SSE', () => {
  it('encodes one JSON event per payload, and the [DONE] sentinel', () => {
    expect(text(sseData({ a: 1 }))).toBe('data: {"a":1}\n\n');
    expect(text(SSE_DONE)).toBe('data: [DONE]\n\n');
  });

  it('decodes events split anywhere, CRLF lines, multi-line data and comments', () => {
    const stream = ': keep-alive\r\n\r\ndata: {"a":1}\r\n\r\nevent: x\ndata:first\ndata: second\n\ndata: [DONE]\n\n';
    const whole = decodeAll([bytes(stream)]);
    expect(whole).toEqual(['{"a":1}', 'first\nsecond', '[DONE]']);
    // One byte at a time gives the same events.
    expect(decodeAll([...bytes(stream)].map((b) => Uint8Array.of(b)))).toEqual(whole);
  });

  it('reads a bare [DONE] line (no data: field name) as the terminator, and ignores other bare lines', () => {
    expect(decodeAll([bytes('data: {"a":1}\n\nnoise\n\n[DONE]\n\n')])).toEqual(['{"a":1}', '[DONE]']);
  });

  it('keeps a UTF-8 character split across chunks whole, and flushes an unterminated last event', () => {
    const b = bytes('data: héllo');
    expect(decodeAll([b.subarray(0, 8), b.subarray(8)])).toEqual(['héllo']);
  });

  it('pipeWithErrorEvent ends a failing upstream with the error event instead of tearing down', async () => {
    let n = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(c) {
        if (n++ === 0) c.enqueue(bytes('data: 1\n\n'));
        else c.error(new Error('upstream died'));
      },
    });
    const out = pipeWithErrorEvent(source, {}, (err) => sseData({ error: (err as Error).message }));
    // A blank line goes first, ending any event the source stopped inside (a no-op between events).
    expect(await new Response(out).text()).toBe('data: 1\n\n\n\ndata: {"error":"upstream died"}\n\n');
  });
});
