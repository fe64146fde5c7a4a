const encoder = new TextEncoder();

/** One SSE event carrying `payload` as JSON. */
export const sseData = (payload: unknown): Uint8Array => encoder.encode(`data: ${JSON.stringify(payload)}\n\n`);
export const SSE_DONE = encoder.encode('data: [DONE]\n\n');

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const;

/**
 * Incremental SSE parser: feed it bytes as they arrive, it calls back once per complete
 * event with the event's data. No buffering beyond the current partial line.
 */
export class SseDecoder {
  private readonly decoder = new TextDecoder();
  private partial = '';
  private data: string[] = [];

  push(chunk: Uint8Array, onData: (data: string) => void): void {
    const text = this.partial + this.decoder.decode(chunk, { stream: true });
    let start = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', start)) !== -1) {
      this.line(text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl), onData);
      start = nl + 1;
    }
    this.partial = start === 0 ? text : text.slice(start);
  }

  end(onData: (data: string) => void): void {
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    if (rest) this.line(rest, onData);
    this.line('', onData);
  }

  private line(line: string, onData: (data: string) => void): void {
    if (line === '') {
      if (this.data.length) {
        const data = this.data.length === 1 ? this.data[0]! : this.data.join('\n');
        this.data = [];
        onData(data);
      }
      return;
    }
    if (line.startsWith('data:')) this.data.push(line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5));
    // Comments (":keep-alive") and other fields carry nothing for us.
  }
}

/**
 * Pipes an upstream byte stream into `transform` and returns its readable side. If the upstream
 * fails mid-way, `onError`'s bytes go in as a last event (and the transform flushes) instead of
 * the client connection being torn down. Cancelling the result cancels the upstream.
 */
export function pipeWithErrorEvent(
  source: ReadableStream<Uint8Array>,
  transform: TransformStream<Uint8Array, Uint8Array>,
  onError: (err: unknown) => Uint8Array,
): ReadableStream<Uint8Array> {
  // preventAbort keeps the transform writable open after a source failure, so the error event can follow.
  source.pipeTo(transform.writable, { preventAbort: true }).catch(async (err) => {
    const writer = transform.writable.getWriter();
    try {
      await writer.write(onError(err));
      await writer.close();
    } catch {
      // The client side is already gone (cancelled or terminated): nothing left to tell.
    }
  });
  return transform.readable;
}
