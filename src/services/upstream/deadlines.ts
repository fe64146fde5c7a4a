/**
 * Time limits on every upstream call, whatever the transport: the first byte (for a non-stream
 * call, the whole answer) within `firstByteMs`, then each stream event within `idleMs` of the
 * previous one. A call over its limit, or one whose client went away, is cancelled: its
 * AbortSignal fires (fetch and the binding stop) and its stream reader is cancelled.
 */
import { ApiError } from '../../errors';
import { directStream } from '../../lib/pull-stream';
import type { RunOptions, Upstream } from './types';

export interface Deadlines {
  firstByteMs: number;
  idleMs: number;
}

const secondsOf = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

/** The 504 a client sees (or the error event it reads) when the upstream went quiet. */
export function upstreamTimeout(model: string, ms: number, setting: 'UPSTREAM_TIMEOUT_SECONDS' | 'UPSTREAM_IDLE_TIMEOUT_SECONDS', what: string): ApiError {
  return new ApiError(504, `Workers AI sent ${what} for ${secondsOf(ms)} (model \`${model}\`; the limit is ${setting}).`, 'server_error', null, 'upstream_timeout');
}

/** Resolves with `work`, or rejects when `ms` pass (after `onTimeout`) or `signal` aborts (aborting `forward` too). */
function within<T>(work: Promise<T>, ms: number, signal: AbortSignal | undefined, forward: AbortController | undefined, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      forward?.abort(signal!.reason);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => reject(onTimeout()), ms);
    const settle = () => {
      clearTimeout(timer);
      // With `forward`, the listener stays: a client gone later still aborts the call (a stream's
      // upstream, a sibling run a failed batch cancels); rejecting a settled promise does nothing.
      if (!forward) signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted) onAbort();
    // No `{ once: true }`: a signal aborts only once anyway, and the options object costs workerd
    // about 0.6 µs per call to read (2.4 against 1.8 µs for the listener, measured in workerd).
    else signal?.addEventListener('abort', onAbort);
    work.then(
      (v) => (settle(), resolve(v)),
      (e) => (settle(), reject(e)),
    );
  });
}

/**
 * Counts SSE event ends (a blank line: "\n\n", "\r\n\r\n") across chunk boundaries, so the idle
 * limit measures time between events: an upstream dripping bytes of an event that never ends
 * still times out. One pass over each chunk.
 */
function eventEnds(): (chunk: Uint8Array) => boolean {
  let atLineStart = false;
  return (chunk) => {
    let ended = false;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 10) {
        if (atLineStart) ended = true;
        atLineStart = true;
      } else if (b !== 13) atLineStart = false;
    }
    return ended;
  };
}

interface StreamGuard {
  model: string;
  deadlines: Deadlines;
  /** When the call started (Date.now()): the first-byte limit runs from here. */
  started: number;
  /** SSE: the idle limit runs between events; otherwise between chunks. */
  sse: boolean;
  abort: AbortController;
}

/**
 * `source` with the first-byte and idle limits. One timer, re-armed only when it fires (not per
 * chunk), and no stream stage of its own when the chat engine reads it (lib/pull-stream.ts's
 * directStream): a 1,000-event stream otherwise paid a timer and a stream hop per event.
 * The limits run while a read is waiting, from the call's start (first byte) or the last event's
 * end (idle), as a client waiting on the stream sees it.
 */
function guardStream(source: ReadableStream<Uint8Array>, g: StreamGuard): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const ends = g.sse ? eventEnds() : () => true;
  let last: number | undefined;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let waiting = false;
  let over = false;
  let failure: ApiError | undefined;
  const deadline = () => (last === undefined ? g.started + g.deadlines.firstByteMs : last + g.deadlines.idleMs);
  const disarm = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const stop = (reason: unknown) => {
    over = true;
    disarm();
    g.abort.abort(reason);
    return reader.cancel(reason).catch(() => undefined);
  };
  const check = () => {
    timer = null;
    if (over || !waiting) return;
    const wait = deadline() - Date.now();
    if (wait > 0) {
      timer = setTimeout(check, wait);
      return;
    }
    failure =
      last === undefined
        ? upstreamTimeout(g.model, g.deadlines.firstByteMs, 'UPSTREAM_TIMEOUT_SECONDS', 'no stream event')
        : upstreamTimeout(g.model, g.deadlines.idleMs, 'UPSTREAM_IDLE_TIMEOUT_SECONDS', 'nothing more');
    void stop(failure);
  };
  return directStream({
    read() {
      if (failure) return Promise.reject(failure);
      waiting = true;
      if (timer === null && !over) timer = setTimeout(check, Math.max(0, deadline() - Date.now()));
      return reader.read();
    },
    settled(r) {
      waiting = false;
      if (failure) throw failure;
      if (r.done) {
        over = true;
        disarm();
      } else if (ends(r.value)) last = Date.now();
    },
    rejected(err) {
      waiting = false;
      void stop(err);
      return failure ?? err;
    },
    cancel: (reason) => stop(reason),
  });
}

/** `upstream` with time limits and cancellation on every call. */
export function withDeadlines(upstream: Upstream, deadlines: Deadlines): Upstream {
  return {
    kind: upstream.kind,
    async run(model, inputs, options: RunOptions = {}) {
      const started = Date.now();
      // One signal for the transport: fired on timeout, or when the client goes away before the
      // first byte or later (within() forwards it for the call's life). Cheaper per call
      // than AbortSignal.any and a second listener on the request's signal.
      const abort = new AbortController();
      const call = upstream.run(model, inputs, { ...options, signal: abort.signal });
      let result: unknown;
      try {
        result = await within(call, deadlines.firstByteMs, options.signal, abort, () => {
          const err = upstreamTimeout(model, deadlines.firstByteMs, 'UPSTREAM_TIMEOUT_SECONDS', 'nothing');
          abort.abort(err);
          return err;
        });
      } catch (err) {
        if (options.signal?.aborted) abort.abort(options.signal.reason);
        // A transport that ignores the signal may still answer: cancel what it sends.
        void call.then((r) => (r instanceof ReadableStream ? r.cancel() : undefined)).catch(() => undefined);
        throw err;
      }
      const sse = typeof inputs === 'object' && inputs !== null && (inputs as { stream?: unknown }).stream === true;
      if (result instanceof ReadableStream) return guardStream(result as ReadableStream<Uint8Array>, { model, deadlines, started, sse, abort });
      return result;
    },
    models() {
      return within(upstream.models(), deadlines.firstByteMs, undefined, undefined, () =>
        upstreamTimeout('catalog', deadlines.firstByteMs, 'UPSTREAM_TIMEOUT_SECONDS', 'no model catalog'),
      );
    },
    schema(model) {
      return within(upstream.schema(model), deadlines.firstByteMs, undefined, undefined, () =>
        upstreamTimeout(model, deadlines.firstByteMs, 'UPSTREAM_TIMEOUT_SECONDS', 'no model schema'),
      );
    },
  };
}
