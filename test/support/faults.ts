/**
 * A fault-injecting upstream: streams and answers that misbehave the ways real networks do
 * (hang, headers then silence, drip, close mid-stream, cut JSON, HTML error pages, huge
 * answers), each recording whether the proxy let go of it (`probe.cancelled`, `probe.aborted`).
 */
const encoder = new TextEncoder();

export interface Probe {
  /** The stream's reader was cancelled (the proxy stopped reading and released it). */
  cancelled: boolean;
  /** The AbortSignal the call was given fired. */
  aborted: boolean;
  /** Resolves when the upstream was let go of (cancelled or aborted). */
  released: Promise<void>;
  watch(signal: AbortSignal | undefined | null): void;
  /** Called by a fake stream's cancel(). */
  cancel(): void;
}

export function probe(): Probe {
  let done!: () => void;
  const p: Probe = {
    cancelled: false,
    aborted: false,
    released: new Promise<void>((r) => (done = r)),
    watch(signal) {
      if (!signal) return;
      const on = () => {
        p.aborted = true;
        done();
      };
      if (signal.aborted) on();
      else signal.addEventListener('abort', on, { once: true });
    },
    cancel() {
      p.cancelled = true;
      done();
    },
  };
  return p;
}

/** A stream that sends `head` (maybe nothing), then never another byte. */
export function silentAfter(p: Probe, head = ''): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(c) {
      if (head) c.enqueue(encoder.encode(head));
    },
    cancel() {
      p.cancel();
    },
  });
}

/** One byte of an event that never ends, every `everyMs`. */
export function drip(p: Probe, everyMs: number): ReadableStream<Uint8Array> {
  const bytes = encoder.encode('data: {"response":"' + 'x'.repeat(10_000));
  let at = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(c) {
        await new Promise((r) => setTimeout(r, everyMs));
        c.enqueue(bytes.subarray(at % bytes.length, (at % bytes.length) + 1));
        at++;
      },
      cancel() {
        p.cancel();
      },
    },
    { highWaterMark: 0 },
  );
}

/** SSE events, then a clean close with no end marker (a connection cut between events). */
export const closedMidStream = (events: object[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const e of events) c.enqueue(encoder.encode(`data: ${JSON.stringify(e)}\n\n`));
      c.close();
    },
  });

/** A promise that never settles unless `signal` aborts it (as fetch and the binding do). */
export function hang(p: Probe, signal?: AbortSignal | null): Promise<never> {
  p.watch(signal);
  return new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
}

/** One SSE event whose data line is `size` bytes long, sent in `chunk`-byte pieces, then [DONE]. */
export function longLine(size: number, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  const head = encoder.encode('data: {"response":"');
  const tail = encoder.encode('"}\n\ndata: [DONE]\n\n');
  const body = encoder.encode('y'.repeat(chunk));
  let sent = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (!started) {
        started = true;
        return c.enqueue(head);
      }
      if (sent >= size) {
        c.enqueue(tail);
        return c.close();
      }
      const n = Math.min(chunk, size - sent);
      sent += n;
      c.enqueue(n === chunk ? body : body.subarray(0, n));
    },
  });
}

export const HTML_502 =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title><script>alert("x")</script></head><body><h1>Bad gateway</h1></body></html>';
