import { transformStream, type ByteTransformer } from './pull-stream';

const encoder = new TextEncoder();

/** One SSE event carrying `payload` as JSON. */
export const sseData = (payload: unknown): Uint8Array => encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);
export const SSE_DONE = encoder.encode('data: [DONE]\n\n');
const EVENT_END = encoder.encode('\n\n');

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const;

/** The largest one SSE event may be (its data lines together, in UTF-16 units ~ bytes): a token stream's events are tiny. */
export const MAX_SSE_EVENT_BYTES = 8 * 1024 * 1024;

/** An event over the decoder's size cap: the stream cannot be read on. */
export class SseEventTooLarge extends Error {
  readonly limit: number;
  constructor(limit: number) {
    super(`An upstream stream event is larger than ${limit} bytes.`);
    this.name = 'SseEventTooLarge';
    this.limit = limit;
  }
}

/**
 * Incremental SSE parser: feed it bytes as they arrive, it calls back once per complete
 * event with the event's data. Linear in the bytes received: each chunk is scanned once and a
 * partial line is kept as pieces, joined once when its newline arrives. An event (or a line)
 * past `maxEventBytes` throws SseEventTooLarge instead of growing without bound.
 */
export class SseDecoder {
  readonly #decoder = new TextDecoder();
  readonly #max: number;
  /** The current partial line, in the pieces it arrived in. */
  #pieces: string[] = [];
  #partialSize = 0;
  #data: string[] = [];
  #dataSize = 0;

  constructor(options: { maxEventBytes?: number } = {}) {
    this.#max = options.maxEventBytes ?? MAX_SSE_EVENT_BYTES;
  }

  push(chunk: Uint8Array, onData: (data: string) => void): void {
    this.#text(this.#decoder.decode(chunk, { stream: true }), onData);
  }

  end(onData: (data: string) => void): void {
    this.#text(this.#decoder.decode(), onData);
    const rest = this.#takePartial('');
    if (rest) this.#line(rest, onData);
    this.#line('', onData);
  }

  #text(text: string, onData: (data: string) => void): void {
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      let line = this.#takePartial(text.slice(start, nl));
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      this.#line(line, onData);
      start = nl + 1;
    }
    if (start < text.length) {
      const rest = start === 0 ? text : text.slice(start);
      this.#partialSize += rest.length;
      if (this.#partialSize + this.#dataSize > this.#max) throw new SseEventTooLarge(this.#max);
      this.#pieces.push(rest);
    }
  }

  /** The partial line so far, ended by `tail`; the partial is then empty. */
  #takePartial(tail: string): string {
    if (!this.#pieces.length) return tail;
    this.#pieces.push(tail);
    const line = this.#pieces.join('');
    this.#pieces = [];
    this.#partialSize = 0;
    return line;
  }

  #line(line: string, onData: (data: string) => void): void {
    if (line === '') {
      if (this.#data.length) {
        const data = this.#data.length === 1 ? this.#data[0]! : this.#data.join('\n');
        this.#data = [];
        this.#dataSize = 0;
        onData(data);
      }
      return;
    }
    if (line.startsWith('data:')) {
      const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
      this.#dataSize += value.length + 1;
      if (this.#dataSize > this.#max) throw new SseEventTooLarge(this.#max);
      this.#data.push(value);
    } else if (line === '[DONE]') {
      // A terminator without its `data:` field name, as the Workers AI provider's own stream
      // tests feed it (test/fixtures/workers-ai/chunks-reasoning-usage.sse): read as `data: [DONE]`
      // so such a stream ends cleanly instead of being reported as truncated.
      this.#data.push(line);
    }
    // Comments (":keep-alive") and other fields carry nothing for us.
  }
}

/**
 * `source` through `transformer` (one pull-driven stream, lib/pull-stream.ts). If the upstream
 * fails mid-way, `onError`'s bytes go in as a last event (and the transformer flushes) instead of
 * the client connection being torn down. Cancelling the result cancels the upstream.
 */
export function pipeWithErrorEvent(
  source: ReadableStream<Uint8Array>,
  transformer: ByteTransformer,
  onError: (err: unknown) => Uint8Array,
): ReadableStream<Uint8Array> {
  // A blank line first: the failed source may have stopped inside an event, which must not swallow this one.
  return transformStream(source, transformer, (err) => [EVENT_END, onError(err)]);
}
