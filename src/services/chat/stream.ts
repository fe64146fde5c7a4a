import { ApiError } from '../../errors';
import { SseDecoder, SseEventTooLarge, SSE_DONE, sseData } from '../../lib/sse';
import { StopMatcher } from '../../lib/stop-sequences';
import { toApiError } from '../upstream/errors';
import { UpstreamError } from '../upstream';
import { toUpstreamError } from '../upstream/normalize-error';
import { tokensOfChars, usageOf, type Usage } from '../usage';
import { EventReader, type Completion } from './output';
import { ThinkSplitter } from './reasoning';
import { ToolCallStream, type ToolCallDelta } from './tools';

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export function finishReasonOf(hitStop: boolean, toolCalls: number, upstream: string | undefined, completionTokens: number | undefined, maxTokens: number): FinishReason {
  if (hitStop) return 'stop';
  if (upstream === 'length') return 'length';
  if (toolCalls > 0) return 'tool_calls';
  if (upstream === 'content_filter') return 'content_filter';
  if (completionTokens !== undefined && completionTokens >= maxTokens) return 'length';
  return 'stop';
}

/** Encodes the client-facing SSE events of one choice (chat chunks or legacy text completions). */
export interface ChunkWriter {
  start(): Uint8Array | undefined;
  /** `logprobs`: the entries of the tokens sent so far and not yet carried (chat chunks only). */
  content(text: string, logprobs?: readonly unknown[]): Uint8Array;
  reasoning(text: string): Uint8Array | undefined;
  toolCall(delta: ToolCallDelta): Uint8Array | undefined;
  /** `stopSequence`: the stop sequence that ended the answer, when one did. */
  finish(reason: FinishReason, stopSequence?: string): Uint8Array;
  usage(usage: Usage): Uint8Array;
  /** A failure mid-stream; without it, a `data: {"error": ...}` event (chat and text completions). */
  error?(body: ErrorBody): Uint8Array;
  /** The stream's closing bytes; without it, `data: [DONE]` (Responses streams have none). */
  done?(): Uint8Array | undefined;
}

export type ErrorBody = ReturnType<ApiError['toJSON']>;

const encoder = new TextEncoder();

interface WriterOptions {
  id: string;
  created: number;
  model: string;
  index: number;
  includeUsage: boolean;
}

/** `chat.completion.chunk` events; the common prefix is encoded once. */
export function chatWriter(o: WriterOptions): ChunkWriter {
  const head = `data: {"id":${JSON.stringify(o.id)},"object":"chat.completion.chunk","created":${o.created},"model":${JSON.stringify(o.model)},`;
  const usageNull = o.includeUsage ? ',"usage":null' : '';
  const choice = (delta: string, finish = 'null', logprobs = 'null') =>
    encoder.encode(`${head}"choices":[{"index":${o.index},"delta":${delta},"logprobs":${logprobs},"finish_reason":${finish}}]${usageNull}}\n\n`);
  return {
    start: () => choice('{"role":"assistant","content":"","refusal":null}'),
    content: (text, logprobs) =>
      choice(`{"content":${JSON.stringify(text)}}`, 'null', logprobs?.length ? `{"content":${JSON.stringify(logprobs)},"refusal":null}` : 'null'),
    reasoning: (text) => choice(`{"reasoning_content":${JSON.stringify(text)}}`),
    toolCall: (delta) => choice(`{"tool_calls":[${JSON.stringify(delta)}]}`),
    finish: (reason) => choice('{}', `"${reason}"`),
    usage: (usage) => encoder.encode(`${head}"choices":[],"usage":${JSON.stringify(usage)}}\n\n`),
  };
}

/** Legacy `text_completion` events (POST /v1/completions): text only; reasoning and tools are not part of it. */
export function textWriter(o: WriterOptions & { echo?: string }): ChunkWriter {
  const head = `data: {"id":${JSON.stringify(o.id)},"object":"text_completion","created":${o.created},"model":${JSON.stringify(o.model)},`;
  const choice = (text: string, finish = 'null') =>
    encoder.encode(`${head}"choices":[{"text":${JSON.stringify(text)},"index":${o.index},"logprobs":null,"finish_reason":${finish}}]}\n\n`);
  return {
    start: () => (o.echo ? choice(o.echo) : undefined),
    content: (text) => choice(text),
    reasoning: () => undefined,
    toolCall: () => undefined,
    finish: (reason) => choice('', `"${reason}"`),
    usage: (usage) => encoder.encode(`${head}"choices":[],"usage":${JSON.stringify(usage)}}\n\n`),
  };
}

/** An OpenAI error body for a failure in the middle of a stream. */
export function streamError(err: unknown, model: string): ReturnType<ApiError['toJSON']> {
  const apiError =
    err instanceof ApiError ? err : err instanceof UpstreamError ? toApiError(err, model) : toApiError(toUpstreamError(err), model);
  return apiError.toJSON();
}

/**
 * A non-stream answer to a streaming request (JSON mode, Image-to-Text models, gpt-oss over REST)
 * as a one-event upstream stream in OpenAI chunk shape, so it takes the same path as real streams.
 */
export function streamOfCompletion(c: Completion): ReadableStream<Uint8Array> {
  const delta: Record<string, unknown> = {};
  if (c.reasoning) delta.reasoning_content = c.reasoning;
  if (c.text) delta.content = c.text;
  if (c.toolCalls.length) delta.tool_calls = c.toolCalls.map((call, index) => ({ index, ...call }));
  return new ReadableStream({
    start(controller) {
      const logprobs = c.logprobs && { content: c.logprobs.content ?? [] };
      controller.enqueue(sseData({ choices: [{ index: 0, delta, finish_reason: c.finish ?? null, ...(logprobs && { logprobs }) }], ...(c.usage && { usage: c.usage }) }));
      controller.enqueue(SSE_DONE);
      controller.close();
    },
  });
}

export interface StreamOptions {
  writer: ChunkWriter;
  stops: string[];
  maxTokens: number;
  /** Split `<think>` reasoning out of the text; `implicit` when the opening tag is not in the output. */
  think?: { implicit: boolean };
  parallelToolCalls: boolean;
  includeUsage: boolean;
  promptTokens: () => number;
  /** false when several choices are merged into one stream: the merger sends usage and [DONE]. */
  tail: boolean;
  /** Adds the cost to the final usage (before it is sent and reported). */
  price?: (usage: Usage) => Usage;
  onUsage?: (usage: Usage) => void;
  /** The usage counts several choices (a native-n call's): its completion_tokens say nothing of this one's length. */
  sharedUsage?: boolean;
  onError?: () => void;
  /** The Workers AI model id, named in a truncation error. */
  model: string;
}

/** The error event of a stream with an event past the decoder's cap (a runaway line is never buffered whole). */
const eventTooLarge = (model: string, limit: number) =>
  new ApiError(502, `An event in the upstream stream of \`${model}\` is larger than ${limit} bytes.`, 'server_error', null, 'upstream_event_too_large');

/** The error event of a stream that ended without its end marker: a cut answer is never passed off as complete. */
export const streamTruncated = (model: string) =>
  new ApiError(
    502,
    `The upstream stream of \`${model}\` ended before its end marker: the answer is cut off.`,
    'server_error',
    null,
    'upstream_stream_truncated',
  );

/**
 * Workers AI SSE bytes in (any of its event shapes), OpenAI SSE bytes out, one or a few events
 * per upstream event as it arrives. Thinking goes to reasoning deltas, tool calls become
 * tool_calls deltas, stop sequences end the stream (and cancel the upstream).
 */
export function completionTransformer(o: StreamOptions): Transformer<Uint8Array, Uint8Array> {
  const { writer } = o;
  const decoder = new SseDecoder();
  const reader = new EventReader();
  const think = o.think ? new ThinkSplitter(o.think.implicit) : undefined;
  const matcher = o.stops.length ? new StopMatcher(o.stops) : undefined;
  const tools = new ToolCallStream(o.parallelToolCalls);
  let usage: Usage | undefined;
  let upstreamFinish: string | undefined;
  /** Logprob entries not yet sent: they ride on the next content chunk (text may be held back for stop matching). */
  let logprobs: unknown[] = [];
  const takeLogprobs = () => {
    const out = logprobs;
    if (out.length) logprobs = [];
    return out;
  };
  let emittedChars = 0;
  let sawText = false;
  let finished = false;
  /** The upstream's end marker arrived: [DONE], a finish_reason, or response.completed. */
  let sawEnd = false;

  type Ctl = TransformStreamDefaultController<Uint8Array>;
  const done = (c: Ctl) => {
    const bytes = writer.done ? writer.done() : SSE_DONE;
    if (bytes) c.enqueue(bytes);
  };
  const reasoning = (c: Ctl, text: string) => {
    if (!text) return;
    emittedChars += text.length;
    const bytes = writer.reasoning(text);
    if (bytes) c.enqueue(bytes);
  };
  /** Answer text through the stop matcher; true when a stop sequence ended the stream. */
  const content = (c: Ctl, text: string): boolean => {
    if (!text) return false;
    let out = text;
    let stopped = false;
    if (matcher) ({ text: out, stopped } = matcher.push(text));
    if (out) {
      emittedChars += out.length;
      c.enqueue(writer.content(out, takeLogprobs()));
    }
    if (stopped) {
      finish(c, true);
      // Ends the client stream now; the pipe then cancels the upstream generation.
      c.terminate();
    }
    return stopped;
  };

  const finish = (c: Ctl, hitStop: boolean) => {
    if (finished) return;
    if (!hitStop && think) {
      const rest = think.flush();
      reasoning(c, rest.reasoning);
      if (content(c, rest.content)) return;
    }
    finished = true;
    const rest = hitStop ? '' : (matcher?.flush() ?? '');
    if (rest || (!hitStop && logprobs.length)) {
      emittedChars += rest.length;
      c.enqueue(writer.content(rest, takeLogprobs()));
    }
    const tokens = o.sharedUsage ? undefined : usage?.completion_tokens;
    c.enqueue(writer.finish(finishReasonOf(hitStop, tools.emitted, upstreamFinish, tokens, o.maxTokens), hitStop ? matcher?.hit : undefined));
    const measured = usage ?? usageOf(o.promptTokens(), tokensOfChars(emittedChars));
    const final = o.price ? o.price(measured) : measured;
    o.onUsage?.(final);
    if (o.tail) {
      if (o.includeUsage) c.enqueue(writer.usage(final));
      done(c);
    }
  };

  const fail = (c: Ctl, err: unknown) => {
    finished = true;
    // Already OpenAI-shaped (a failure caught by transformStream's onError), or an upstream error event.
    const payload: ErrorBody =
      err && typeof err === 'object' && typeof (err as { type?: unknown }).type === 'string'
        ? { error: err as ErrorBody['error'] }
        : toApiError(
            new UpstreamError(
              typeof err === 'string' ? err : String((err as { message?: unknown })?.message ?? 'Upstream error'),
              typeof (err as { code?: unknown })?.code === 'number' ? (err as { code: number }).code : undefined,
            ),
          ).toJSON();
    c.enqueue(writer.error ? writer.error(payload) : sseData(payload));
    o.onError?.();
    if (o.tail) done(c);
    // Nothing more will be sent: end this stream (a merger sees it close) and cancel the upstream.
    c.terminate();
  };

  const onEvent = (c: Ctl, data: string) => {
    if (finished) return;
    if (data === '[DONE]') {
      sawEnd = true;
      return finish(c, false);
    }
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return; // Not JSON: nothing a client could use.
    }
    if (!event || typeof event !== 'object') return;
    const d = reader.read(event as Record<string, unknown>);
    if (d.error) return fail(c, d.error);
    if (d.usage) usage = d.usage;
    if (d.finish) upstreamFinish = d.finish;
    if (d.finish || d.end) sawEnd = true;
    if (d.logprobs?.length) logprobs.push(...d.logprobs);
    if (typeof d.reasoning === 'string' && d.reasoning) {
      if (!sawText) think?.explicitOnly();
      reasoning(c, d.reasoning);
    }
    if (typeof d.text === 'string' && d.text) {
      sawText = true;
      if (think) {
        const split = think.push(d.text);
        reasoning(c, split.reasoning);
        if (content(c, split.content)) return;
      } else if (content(c, d.text)) return;
    }
    if (d.toolCalls) tools.push(d.toolCalls, (delta) => {
      const bytes = writer.toolCall(delta);
      if (bytes) c.enqueue(bytes);
    });
  };

  return {
    start(c) {
      const bytes = writer.start();
      if (bytes) c.enqueue(bytes);
    },
    transform(bytes, c) {
      if (finished) return;
      try {
        decoder.push(bytes, (data) => onEvent(c, data));
      } catch (err) {
        if (!(err instanceof SseEventTooLarge)) throw err;
        fail(c, eventTooLarge(o.model, err.limit).toJSON().error);
      }
    },
    flush(c) {
      if (finished) return;
      try {
        decoder.end((data) => onEvent(c, data));
      } catch (err) {
        if (!(err instanceof SseEventTooLarge)) throw err;
        return fail(c, eventTooLarge(o.model, err.limit).toJSON().error);
      }
      if (finished) return;
      if (!sawEnd) return fail(c, streamTruncated(o.model).toJSON().error);
      finish(c, false);
    },
  };
}
