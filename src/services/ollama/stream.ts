import type { Choice } from '../chat/engine';
import type { ChunkWriter, FinishReason } from '../chat/stream';

export type OllamaKind = 'chat' | 'generate';

export const NDJSON_HEADERS = {
  'content-type': 'application/x-ndjson',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const;

/** Ollama reports durations in nanoseconds; the proxy measures milliseconds of wall time. */
export const ns = (ms: number) => Math.max(0, Math.round(ms)) * 1_000_000;

/** Ollama's done_reason for an OpenAI finish_reason (tool calls end with "stop" in Ollama). */
export const doneReason = (finish: string | null | undefined) => (finish === 'length' ? 'length' : 'stop');

export interface OllamaToolCall {
  id?: string;
  function: { index: number; name: string; arguments: unknown };
}

/** OpenAI's arguments are a JSON string, Ollama's an object; unparseable text is passed on as is. */
export function toolCallOf(index: number, name: string, args: string, id?: string): OllamaToolCall {
  let parsed: unknown = args;
  try {
    parsed = args.trim() === '' ? {} : JSON.parse(args);
  } catch {
    // Keep the model's text: dropping it would hide what went wrong.
  }
  return { ...(id && { id }), function: { index, name, arguments: parsed } };
}

export interface NdjsonOptions {
  kind: OllamaKind;
  /** The model name the client sent, echoed on every line. */
  model: string;
  /** Date.now() when the request arrived. */
  started: number;
  /** Forward reasoning as `thinking` (false when the client sent think:false). */
  thinking: boolean;
}

const encoder = new TextEncoder();
const NOTHING = new Uint8Array(0);

/** The answer's fields in Ollama's shape: inside `message` for chat, at the top level for generate. */
export const answerOf = (kind: OllamaKind, content: string, extra: Record<string, unknown> = {}) =>
  kind === 'chat' ? { message: { role: 'assistant', content, ...extra } } : { response: content, ...extra };

/**
 * The chat engine's stream hooks writing Ollama's NDJSON: one line per content / thinking delta
 * as it arrives, tool calls once complete (Ollama sends each call whole), then the final
 * `done: true` line with counts and durations. A mid-stream failure is Ollama's
 * `{"error": "..."}` line, and the stream ends.
 */
export function ollamaWriter(o: NdjsonOptions): ChunkWriter {
  const head = `{"model":${JSON.stringify(o.model)},"created_at":"`;
  const line = (fields: Record<string, unknown>) => encoder.encode(`${head}${new Date().toISOString()}",${JSON.stringify(fields).slice(1)}\n`);
  const delta = (content: string, extra?: Record<string, unknown>) => line({ ...answerOf(o.kind, content, extra), done: false });
  const calls = new Map<number, { id?: string; name: string; args: string }>();
  let finish: FinishReason = 'stop';
  let firstAt: number | undefined;
  const first = () => {
    firstAt ??= Date.now();
  };
  return {
    start: () => undefined,
    reasoning(text) {
      first();
      return o.thinking ? delta('', { thinking: text }) : undefined;
    },
    content(text) {
      first();
      return text ? delta(text) : NOTHING;
    },
    toolCall(d) {
      first();
      const call = calls.get(d.index) ?? { name: '', args: '' };
      if (d.id) call.id = d.id;
      if (d.function.name) call.name = d.function.name;
      call.args += d.function.arguments;
      calls.set(d.index, call);
      return undefined;
    },
    finish(reason) {
      finish = reason;
      if (!calls.size || o.kind !== 'chat') return NOTHING;
      return delta('', { tool_calls: [...calls].sort(([a], [b]) => a - b).map(([index, c]) => toolCallOf(index, c.name, c.args, c.id)) });
    },
    usage(usage) {
      const now = Date.now();
      const at = firstAt ?? now;
      return line({
        ...answerOf(o.kind, ''),
        done_reason: doneReason(finish),
        done: true,
        total_duration: ns(now - o.started),
        load_duration: 0,
        prompt_eval_count: usage.prompt_tokens,
        prompt_eval_duration: ns(at - o.started),
        eval_count: usage.completion_tokens,
        eval_duration: ns(now - at),
        cost: usage.cost ?? null,
        neurons: usage.neurons ?? null,
      });
    },
    error: ({ error }) => encoder.encode(`${JSON.stringify({ error: typeof error.message === 'string' ? error.message : 'Upstream error' })}\n`),
    done: () => undefined,
  };
}

/**
 * A finished chat choice in Ollama's final shape. Without a stream the proxy cannot tell prompt
 * evaluation from generation: prompt_eval_duration is 0 and eval_duration is the whole call.
 */
export function ollamaAnswer(c: Choice, o: NdjsonOptions): Record<string, unknown> {
  const elapsed = ns(Date.now() - o.started);
  return {
    model: o.model,
    created_at: new Date().toISOString(),
    ...answerOf(o.kind, c.content, {
      ...(o.thinking && c.reasoning && { thinking: c.reasoning }),
      ...(o.kind === 'chat' && c.toolCalls.length && { tool_calls: c.toolCalls.map((t, i) => toolCallOf(i, t.function.name, t.function.arguments, t.id)) }),
    }),
    done_reason: doneReason(c.finish),
    done: true,
    total_duration: elapsed,
    load_duration: 0,
    prompt_eval_count: c.usage.prompt_tokens,
    prompt_eval_duration: 0,
    eval_count: c.usage.completion_tokens,
    eval_duration: elapsed,
    // Not Ollama's: what the answer cost (USD, and Workers AI neurons), null when the model has no price.
    cost: c.usage.cost ?? null,
    neurons: c.usage.neurons ?? null,
  };
}
