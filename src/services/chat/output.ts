/**
 * Reading Workers AI text-generation output in all its shapes: legacy `{response, tool_calls}`,
 * OpenAI `chat.completion` / `text_completion` (and their chunks), Responses objects and stream
 * events (gpt-oss), and Image-to-Text `{description}`.
 */
import { ApiError } from '../../errors';
import { isObj, type Json } from '../../lib/json';
import { upstreamUsage, type Usage } from '../usage';
import { normalizeToolCalls, type ToolCall } from './tools';


/** One token's log probability, in OpenAI's shape (ChatCompletionTokenLogprob). */
export interface TokenLogprob {
  token: string;
  logprob: number;
  bytes: number[] | null;
  top_logprobs: { token: string; logprob: number; bytes: number[] | null }[];
}

/** `choices[].logprobs` of a chat completion. */
export interface ChatLogprobs {
  content: TokenLogprob[] | null;
  refusal: TokenLogprob[] | null;
}

const bytesOf = (b: unknown): number[] | null => (Array.isArray(b) && b.every((x) => typeof x === 'number') ? b : null);

/**
 * Upstream logprob entries in OpenAI's exact shape: every field the spec requires present
 * (`bytes` null when the model sent none), anything malformed left out.
 */
export function tokenLogprobs(entries: unknown): TokenLogprob[] | undefined {
  if (!Array.isArray(entries)) return undefined;
  const out: TokenLogprob[] = [];
  for (const e of entries) {
    if (!isObj(e) || typeof e.token !== 'string' || typeof e.logprob !== 'number') continue;
    const top = Array.isArray(e.top_logprobs) ? e.top_logprobs : [];
    out.push({
      token: e.token,
      logprob: e.logprob,
      bytes: bytesOf(e.bytes),
      top_logprobs: top.filter((t): t is Json => isObj(t) && typeof t.token === 'string' && typeof t.logprob === 'number').map((t) => ({ token: t.token, logprob: t.logprob, bytes: bytesOf(t.bytes) })),
    });
  }
  return out;
}

function logprobsOf(raw: unknown): ChatLogprobs | undefined {
  if (!isObj(raw)) return undefined;
  const content = tokenLogprobs(raw.content);
  const refusal = tokenLogprobs(raw.refusal);
  return content || refusal ? { content: content ?? null, refusal: refusal ?? null } : undefined;
}

/** One upstream answer, before reasoning is split out of the text and stop sequences are applied. */
export interface Completion {
  logprobs?: ChatLogprobs;
  text: string;
  /** Reasoning the upstream already separated (reasoning_content, Responses reasoning items). */
  reasoning: string;
  toolCalls: ToolCall[];
  usage?: Usage;
  finish?: string;
}

/** Text from a string, a number (some models), a JSON-mode object, or OpenAI content parts. */
function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value == null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((p) => (isObj(p) && typeof p.text === 'string' ? p.text : '')).join('');
  return JSON.stringify(value);
}

function readResponse(o: Json): Completion {
  let text = '';
  let reasoning = '';
  const calls: unknown[] = [];
  for (const item of Array.isArray(o.output) ? o.output : []) {
    if (!isObj(item)) continue;
    if (item.type === 'reasoning') {
      const parts: unknown[] = Array.isArray(item.content) && item.content.length ? item.content : Array.isArray(item.summary) ? item.summary : [];
      reasoning += textOf(parts);
    } else if (item.type === 'message') {
      for (const part of Array.isArray(item.content) ? item.content : []) {
        if (isObj(part)) text += typeof part.text === 'string' ? part.text : typeof part.refusal === 'string' ? part.refusal : '';
      }
    } else if (item.type === 'function_call') {
      calls.push({ id: item.call_id ?? item.id, name: item.name, arguments: item.arguments });
    }
  }
  if (!text && typeof o.output_text === 'string') text = o.output_text;
  const incomplete = o.status === 'incomplete';
  return {
    text,
    reasoning,
    toolCalls: normalizeToolCalls(calls),
    usage: upstreamUsage(o.usage),
    finish: incomplete ? (o.incomplete_details?.reason === 'content_filter' ? 'content_filter' : 'length') : undefined,
  };
}

const ANSWER_KEYS = ['response', 'choices', 'output', 'output_text', 'description', 'answer', 'tool_calls'];

/** A 502 for an answer that is none of the shapes a text model returns. */
export const unexpectedAnswer = (model: string) =>
  new ApiError(502, `Workers AI answered \`${model}\` with something that is not a text-generation result.`, 'server_error', null, 'upstream_invalid_response');

/** The answer read as a completion; one that is not a text-generation result at all is a 502, never an empty reply. */
export function readAnswer(out: unknown, model: string): Completion {
  if (typeof out !== 'string' && !(isObj(out) && ANSWER_KEYS.some((k) => k in out))) throw unexpectedAnswer(model);
  return readCompletion(out);
}

/** Every choice of an answer to a call with `n` (the OpenAI-input families), in index order. */
export function readAnswers(out: unknown, model: string): Completion[] {
  const choices = isObj(out) && Array.isArray(out.choices) ? out.choices.filter(isObj) : [];
  if (choices.length < 2) return [readAnswer(out, model)];
  const sorted = [...choices].sort((a, b) => (Number(a.index) || 0) - (Number(b.index) || 0));
  return sorted.map((choice) => readCompletion({ ...(out as Json), choices: [choice] }));
}

/** A non-stream Workers AI answer, whichever shape it came in. */
export function readCompletion(out: unknown): Completion {
  if (typeof out === 'string') return { text: out, reasoning: '', toolCalls: [] };
  if (!isObj(out)) return { text: '', reasoning: '', toolCalls: [] };
  if (out.object === 'response' || Array.isArray(out.output)) return readResponse(out);
  const choice = Array.isArray(out.choices) ? out.choices[0] : undefined;
  if (isObj(choice)) {
    const message = isObj(choice.message) ? choice.message : undefined;
    return {
      text: textOf(message ? message.content : choice.text),
      reasoning: textOf(message?.reasoning_content ?? message?.reasoning),
      toolCalls: normalizeToolCalls(message?.tool_calls),
      usage: upstreamUsage(out.usage),
      finish: typeof choice.finish_reason === 'string' ? choice.finish_reason : undefined,
      ...(logprobsOf(choice.logprobs) && { logprobs: logprobsOf(choice.logprobs) }),
    };
  }
  return {
    // moondream: `answer`, a `reasoning: {text}` trace and `metrics: {input_tokens, output_tokens}`.
    text: textOf(out.response ?? out.description ?? out.answer),
    reasoning: isObj(out.reasoning) ? textOf(out.reasoning.text) : '',
    toolCalls: normalizeToolCalls(out.tool_calls),
    usage: upstreamUsage(out.usage ?? out.metrics),
    ...(typeof out.finish_reason === 'string' && { finish: out.finish_reason }),
  };
}

/** True when a "streaming" call came back as JSON with nothing in it (gpt-oss and kimi over REST do this). */
export function isEmptyAnswer(out: unknown): boolean {
  if (out == null) return true;
  if (!isObj(out)) return false;
  return !ANSWER_KEYS.some((k) => out[k] != null);
}

/** What one upstream stream event contributes. */
export interface Delta {
  text?: string;
  reasoning?: string;
  /** Tool-call entries, complete or fragments, as ToolCallStream takes them. */
  toolCalls?: unknown[];
  finish?: string;
  usage?: Usage;
  error?: unknown;
  /** The stream's closing event (response.completed / response.incomplete). */
  end?: boolean;
  /** Logprob entries of this event's content tokens (`choices[0].logprobs.content`). */
  logprobs?: TokenLogprob[];
}

/**
 * Parses upstream SSE event payloads into deltas. Stateful only for Responses streams, whose
 * function calls arrive as item events keyed by item id.
 */
export class EventReader {
  readonly #itemIndex = new Map<string, number>();
  readonly #argsSeen = new Set<number>();
  #sawText = false;
  #sawReasoning = false;

  read(event: Json): Delta {
    if (event.error) return { error: event.error };
    if (typeof event.type === 'string') return this.#responses(event);
    if (Array.isArray(event.choices)) {
      const choice = event.choices[0];
      const delta = isObj(choice?.delta) ? choice.delta : undefined;
      return {
        text: delta ? (typeof delta.content === 'string' ? delta.content : undefined) : typeof choice?.text === 'string' ? choice.text : undefined,
        reasoning: delta ? (delta.reasoning_content ?? delta.reasoning ?? undefined) : undefined,
        toolCalls: delta?.tool_calls,
        finish: typeof choice?.finish_reason === 'string' ? choice.finish_reason : undefined,
        usage: upstreamUsage(event.usage),
        ...(isObj(choice?.logprobs) && { logprobs: tokenLogprobs(choice.logprobs.content) }),
      };
    }
    const response = event.response;
    return {
      text: response == null || response === '' ? undefined : textOf(response),
      toolCalls: event.tool_calls,
      finish: typeof event.finish_reason === 'string' ? event.finish_reason : undefined,
      usage: upstreamUsage(event.usage),
    };
  }

  #responses(e: Json): Delta {
    switch (e.type) {
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        this.#sawText = true;
        return { text: e.delta };
      case 'response.reasoning_text.delta':
      case 'response.reasoning_summary_text.delta':
        this.#sawReasoning = true;
        return { reasoning: e.delta };
      case 'response.output_item.added':
      case 'response.output_item.done': {
        const item = e.item;
        if (!isObj(item) || item.type !== 'function_call') return {};
        const index = typeof e.output_index === 'number' ? e.output_index : this.#itemIndex.size;
        const known = this.#itemIndex.has(item.id ?? item.call_id);
        this.#itemIndex.set(item.id ?? item.call_id, index);
        const call = known ? { index } : { index, id: item.call_id, function: { name: item.name } };
        const args = this.#argsSeen.has(index) || !item.arguments ? undefined : item.arguments;
        if (args) this.#argsSeen.add(index);
        return known && !args ? {} : { toolCalls: [{ ...call, function: { ...call.function, arguments: args } }] };
      }
      case 'response.function_call_arguments.delta': {
        const index = this.#itemIndex.get(e.item_id) ?? e.output_index ?? 0;
        this.#argsSeen.add(index);
        return { toolCalls: [{ index, function: { arguments: e.delta } }] };
      }
      case 'response.completed':
      case 'response.incomplete':
        return this.#final(e.response);
      case 'response.failed':
        return { error: e.response?.error ?? { message: 'The model failed to respond.' } };
      case 'error':
        return { error: { message: e.message, code: e.code } };
      default:
        return {};
    }
  }

  /** The closing response: usage, finish, and anything the events did not already carry. */
  #final(r: unknown): Delta {
    if (!isObj(r)) return { end: true };
    const whole = readResponse(r);
    const delta: Delta = { usage: whole.usage, finish: whole.finish, end: true };
    if (!this.#sawText && whole.text) delta.text = whole.text;
    if (!this.#sawReasoning && whole.reasoning) delta.reasoning = whole.reasoning;
    const output: unknown[] = Array.isArray(r.output) ? r.output : [];
    const calls: unknown[] = [];
    output.forEach((item, index) => {
      if (!isObj(item) || item.type !== 'function_call' || this.#itemIndex.has(item.id ?? item.call_id)) return;
      calls.push({ index, id: item.call_id, function: { name: item.name, arguments: item.arguments } });
    });
    if (calls.length) delta.toolCalls = calls;
    return delta;
  }
}
