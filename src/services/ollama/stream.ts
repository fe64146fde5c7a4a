import { SseDecoder } from '../../lib/sse';

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

/**
 * OpenAI `chat.completion.chunk` SSE bytes in (from createChatCompletion with include_usage),
 * Ollama NDJSON out: one line per content / thinking delta as it arrives, tool calls once
 * complete, then the final `done: true` line with counts and durations. A mid-stream error
 * event becomes Ollama's `{"error": "..."}` line and ends the stream.
 */
export function ollamaNdjson(o: NdjsonOptions): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream(ollamaTransformer(o));
}

/** ollamaNdjson's steps, for a stage without a stream of its own (lib/pull-stream.ts). */
export function ollamaTransformer(o: NdjsonOptions): Transformer<Uint8Array, Uint8Array> {
  const head = `{"model":${JSON.stringify(o.model)},"created_at":"`;
  const line = (rest: string) => encoder.encode(`${head}${new Date().toISOString()}",${rest}}\n`);
  // `extra` lands inside `message` for chat and at the top level for generate, as Ollama puts it.
  const body =
    o.kind === 'chat'
      ? (content: string, extra = '') => `"message":{"role":"assistant","content":${JSON.stringify(content)}${extra}}`
      : (content: string, extra = '') => `"response":${JSON.stringify(content)}${extra}`;

  const decoder = new SseDecoder();
  const calls = new Map<number, { id?: string; name: string; args: string }>();
  let usage: { prompt_tokens?: number; completion_tokens?: number; cost?: number | null; neurons?: number | null } | undefined;
  let finish: string | undefined;
  let firstAt: number | undefined;
  let ended = false;

  const end = (controller: TransformStreamDefaultController<Uint8Array>) => {
    ended = true;
    if (calls.size && o.kind === 'chat') {
      const list = [...calls].sort(([a], [b]) => a - b).map(([index, c]) => toolCallOf(index, c.name, c.args, c.id));
      controller.enqueue(line(`${body('', `,"tool_calls":${JSON.stringify(list)}`)},"done":false`));
    }
    const now = Date.now();
    const first = firstAt ?? now;
    controller.enqueue(
      line(
        `${body('')},"done_reason":"${doneReason(finish)}","done":true,"total_duration":${ns(now - o.started)},"load_duration":0,` +
          `"prompt_eval_count":${usage?.prompt_tokens ?? 0},"prompt_eval_duration":${ns(first - o.started)},` +
          `"eval_count":${usage?.completion_tokens ?? 0},"eval_duration":${ns(now - first)},` +
          `"cost":${JSON.stringify(usage?.cost ?? null)},"neurons":${JSON.stringify(usage?.neurons ?? null)}`,
      ),
    );
  };

  const onEvent = (controller: TransformStreamDefaultController<Uint8Array>, data: string) => {
    if (ended) return;
    if (data === '[DONE]') return end(controller);
    let event: Record<string, any>;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (event.error) {
      ended = true;
      const message = typeof event.error === 'string' ? event.error : String(event.error.message ?? 'Upstream error');
      controller.enqueue(encoder.encode(`{"error":${JSON.stringify(message)}}\n`));
      controller.terminate();
      return;
    }
    if (event.usage) usage = event.usage;
    const choice = Array.isArray(event.choices) ? event.choices[0] : undefined;
    if (!choice) return;
    if (choice.finish_reason) finish = choice.finish_reason;
    const delta = choice.delta ?? {};
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '') {
      firstAt ??= Date.now();
      if (o.thinking) controller.enqueue(line(`${body('', `,"thinking":${JSON.stringify(reasoning)}`)},"done":false`));
    }
    if (typeof delta.content === 'string' && delta.content !== '') {
      firstAt ??= Date.now();
      controller.enqueue(line(`${body(delta.content)},"done":false`));
    }
    if (Array.isArray(delta.tool_calls)) {
      firstAt ??= Date.now();
      // OpenAI streams a call's arguments in pieces; Ollama sends each call whole.
      for (const part of delta.tool_calls) {
        const index = typeof part.index === 'number' ? part.index : 0;
        const call = calls.get(index) ?? { name: '', args: '' };
        if (typeof part.id === 'string') call.id = part.id;
        if (typeof part.function?.name === 'string' && part.function.name) call.name = part.function.name;
        if (typeof part.function?.arguments === 'string') call.args += part.function.arguments;
        calls.set(index, call);
      }
    }
  };

  return {
    transform(bytes, controller) {
      if (!ended) decoder.push(bytes, (data) => onEvent(controller, data));
    },
    flush(controller) {
      decoder.end((data) => onEvent(controller, data));
      if (!ended) end(controller);
    },
  };
}
