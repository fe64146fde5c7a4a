import { concatBytes } from './bytes';
import { settlesAtOnce } from './settled';

/**
 * Byte transforms run inside one pull-driven ReadableStream instead of a chain of
 * TransformStreams joined by pipeTo. In workerd every stream stage costs several µs per chunk
 * (a write, a read, promise hops through the runtime): for a 1,000-event chat stream that was
 * most of the proxy's CPU. Here the upstream is read directly, each chunk goes through the
 * transformers as plain calls, and what they emit leaves as one chunk.
 *
 * No buffering: a pull waits for one upstream chunk, and takes further ones only when they are
 * already there (a read that settles at once); whatever the transformers made is then sent. So
 * a slow stream still goes out event by event, and a burst goes out in fewer, larger writes.
 * The first pull sends what `start` produced (the role chunk) before anything is read.
 *
 * The semantics are the TransformStream ones the transformers were written for: `start`, then
 * `transform` per chunk in order, `flush` at the end; `terminate()` ends the stream after the
 * later stages flush, and cancels the upstream; `error(e)` fails the stream.
 */
export type ByteTransformer = Transformer<Uint8Array, Uint8Array>;

/** Above this many bytes of output a pull stops taking chunks that are already there. */
const MAX_BATCH = 64 * 1024;
const noop = () => {};

interface Chain {
  stages: ByteTransformer[];
  started: boolean;
}

/** Streams made here whose body nobody has read yet: more stages can join them (see `through`). */
const open = new WeakMap<ReadableStream<Uint8Array>, Chain>();

type Read = ReadableStreamReadResult<Uint8Array>;

/**
 * A pass-through wrapper's reads as plain calls (a deadline guard), instead of a stream stage.
 * `read` must return the source reader's own promise, with no `.then` on it: a read of a chunk
 * already there has to settle within the hops `settlesAtOnce` allows, or every chunk leaves on its own.
 */
export interface DirectReader {
  read(): Promise<Read>;
  /** Sees each read's result before it is used; throwing makes the read a failure. */
  settled?(r: Read): void;
  /** Sees a failed read; returns the error to report. */
  rejected?(err: unknown): unknown;
  cancel(reason?: unknown): Promise<void>;
}

/** Streams made by directStream whose reads transformStream may take directly. */
const directs = new WeakMap<ReadableStream<Uint8Array>, DirectReader>();

/** One read through `d`, with its hooks. */
async function readVia(d: DirectReader, next: Promise<Read>): Promise<Read> {
  let r: Read;
  try {
    r = await next;
  } catch (err) {
    throw d.rejected ? d.rejected(err) : err;
  }
  d.settled?.(r);
  return r;
}

/**
 * A stream of `reader`'s reads. Given to transformStream, it is read through `reader` directly,
 * with no stream stage in between (the stage would cost a pull, a read and an enqueue per
 * upstream chunk); any other consumer gets an ordinary pull stream.
 */
export function directStream(reader: DirectReader): ReadableStream<Uint8Array> {
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const r = await readVia(reader, reader.read());
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  directs.set(stream, reader);
  return stream;
}

function readerOf(source: ReadableStream<Uint8Array>): DirectReader {
  const direct = directs.get(source);
  if (!direct || source.locked) return source.getReader();
  directs.delete(source);
  // Locked, so nobody else reads it; its own pull never runs.
  source.getReader();
  return direct;
}

/**
 * `source` through `transformer`, as `source.pipeThrough(new TransformStream(transformer))` would
 * give it. If the source fails, `onError(err)`'s bytes go through the transformers as a last
 * chunk and they flush, instead of the client connection being torn down. Cancelling the result
 * cancels the source.
 */
export function transformStream(
  source: ReadableStream<Uint8Array>,
  transformer: ByteTransformer,
  onError?: (err: unknown) => Uint8Array | Uint8Array[],
): ReadableStream<Uint8Array> {
  const chain: Chain = { stages: [transformer], started: false };
  const reader = readerOf(source);
  let pending: Promise<Read> | undefined;
  let out: Uint8Array[] = [];
  let outBytes = 0;
  /** Index of the stage that terminated, or -1; nothing before it receives input any more. */
  let stopped = -1;
  let failure: { error: unknown } | undefined;
  let closed = false;
  /** The client cancelled: nothing more is fed, flushed or sent (a flush would report the answer complete). */
  let cancelled = false;
  let output!: ReadableStreamDefaultController<Uint8Array>;

  const controllers = (queue: Uint8Array[][], index: number): TransformStreamDefaultController<Uint8Array> => ({
    get desiredSize() {
      return 1;
    },
    enqueue(chunk?: Uint8Array) {
      if (chunk) queue[index]!.push(chunk);
    },
    terminate() {
      if (stopped < index) stopped = index;
    },
    error(reason?: unknown) {
      failure ??= { error: reason };
    },
  });

  /** Feeds `chunks` to stage `i` and what it emits onwards; the last stage's output is collected. */
  async function feed(i: number, chunks: Uint8Array[]): Promise<void> {
    const { stages } = chain;
    if (i === stages.length) {
      for (const chunk of chunks) {
        if (!chunk.byteLength) continue;
        out.push(chunk);
        outBytes += chunk.byteLength;
      }
      return;
    }
    const stage = stages[i]!;
    for (const chunk of chunks) {
      if (stopped >= i || failure) return;
      const emitted: Uint8Array[][] = [];
      emitted[i] = [];
      const result = stage.transform ? stage.transform(chunk, controllers(emitted, i)) : emitted[i]!.push(chunk);
      if (result instanceof Promise) await result;
      if (emitted[i]!.length) await feed(i + 1, emitted[i]!);
    }
  }

  /** Flushes stages `from` onwards, each one's output going through the later ones. */
  async function flushFrom(from: number): Promise<void> {
    const { stages } = chain;
    for (let i = from; i < stages.length && !failure; i++) {
      if (stopped > i) continue;
      const emitted: Uint8Array[][] = [];
      emitted[i] = [];
      const result = stages[i]!.flush?.(controllers(emitted, i));
      if (result instanceof Promise) await result;
      if (emitted[i]!.length) await feed(i + 1, emitted[i]!);
    }
  }

  /** Sends what was collected as one chunk, and closes or fails the stream when it is over. */
  function emit(): void {
    if (cancelled) return;
    if (failure) {
      closed = true;
      output.error(failure.error);
      reader.cancel(failure.error).catch(noop);
      return;
    }
    if (out.length) output.enqueue(out.length === 1 ? out[0]! : concatBytes(out, outBytes));
    out = [];
    outBytes = 0;
    if (closed) output.close();
  }

  async function afterChunk(): Promise<void> {
    if (stopped < 0) return;
    // A stage terminated: the later ones flush, the upstream is cancelled.
    closed = true;
    await flushFrom(stopped + 1);
    reader.cancel().catch(noop);
  }

  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        output = controller;
      },
      pull() {
        // A transformer that throws fails the stream, as in a TransformStream; the upstream is cancelled.
        return pull().catch((err) => {
          reader.cancel(err).catch(noop);
          throw err;
        });
      },
      cancel(reason) {
        closed = true;
        cancelled = true;
        return reader.cancel(reason);
      },
    },
    // Pulls only when the body is read: nothing is read ahead of the client.
    { highWaterMark: 0 },
  );

  async function pull(): Promise<void> {
    if (!chain.started) {
      chain.started = true;
      open.delete(stream);
      const { stages } = chain;
      for (let i = 0; i < stages.length; i++) {
        const emitted: Uint8Array[][] = [];
        emitted[i] = [];
        const result = stages[i]!.start?.(controllers(emitted, i));
        if (result instanceof Promise) await result;
        if (emitted[i]!.length) await feed(i + 1, emitted[i]!);
      }
      await afterChunk();
      if (out.length || closed || failure) return emit();
    }
    let next = pending ?? reader.read();
    pending = undefined;
    for (;;) {
      let read: Read;
      try {
        read = await next;
        reader.settled?.(read);
      } catch (caught) {
        if (cancelled) return;
        const err = reader.rejected ? reader.rejected(caught) : caught;
        if (!onError) failure ??= { error: err };
        else {
          const last = onError(err);
          await feed(0, Array.isArray(last) ? last : [last]);
        }
        if (!failure && stopped < 0) await flushFrom(0);
        else await afterChunk();
        closed = true;
        return emit();
      }
      if (cancelled) return;
      if (read.done) {
        await flushFrom(0);
        closed = true;
        return emit();
      }
      await feed(0, [read.value]);
      await afterChunk();
      if (closed || failure || outBytes >= MAX_BATCH) return emit();
      next = reader.read();
      // Another chunk already there joins this one; otherwise send now and keep the read for the next pull.
      if (!(await settlesAtOnce(next)) && out.length) {
        pending = next;
        next.catch(noop);
        return emit();
      }
    }
  }
  open.set(stream, chain);
  return stream;
}

/**
 * `stream` through `transformer`: a stage added in place when `stream` came from
 * transformStream and nobody has read it yet, else an ordinary TransformStream.
 */
export function through(stream: ReadableStream<Uint8Array>, transformer: ByteTransformer): ReadableStream<Uint8Array> {
  const chain = open.get(stream);
  if (chain && !chain.started && !stream.locked) {
    chain.stages.push(transformer);
    return stream;
  }
  return stream.pipeThrough(new TransformStream(transformer));
}
