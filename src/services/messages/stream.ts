/**
 * The chat engine's stream hooks writing Anthropic's Messages event stream: message_start and a
 * ping, then one content block at a time (content_block_start, its deltas, content_block_stop),
 * message_delta with the stop reason and usage, message_stop. Every event has its `event:` line.
 * Thinking, text and tool input leave as the upstream produces them; nothing is collected.
 */
import type { ChunkWriter, ErrorBody } from '../chat/stream';
import type { ToolCallDelta } from '../chat/tools';
import type { Usage } from '../usage';
import { anthropicErrorType } from './errors';
import { messageShell, stopReasonOf, THINKING_SIGNATURE, thinkingTokens, toolUseId, type StopReason } from './object';

const encoder = new TextEncoder();

export const sseEvent = (type: string, body: Record<string, unknown> = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
export const PING = encoder.encode(sseEvent('ping'));

export interface MessagesWriterOptions {
  id: string;
  model: string;
  inputTokens: number;
  showThinking: boolean;
  /** The proxy's request id, in a mid-stream error event as Anthropic's carry theirs. */
  requestId?: string;
}

type Open = { kind: 'text' | 'thinking' | 'tool'; index: number; head: string };

export function messagesWriter(o: MessagesWriterOptions): ChunkWriter {
  let blocks = 0;
  let open: Open | undefined;
  /** Tool calls by the chat delta index, to the content block they became. */
  const calls = new Map<number, number>();
  let stop: { reason: StopReason; sequence: string | null } = { reason: 'end_turn', sequence: null };
  let failed = false;
  let thinkingChars = 0;

  const deltaHead = (index: number) => `event: content_block_delta\ndata: {"type":"content_block_delta","index":${index},"delta":`;

  function close(): string {
    if (!open) return '';
    const { kind, index } = open;
    open = undefined;
    const signature = kind === 'thinking' ? `${deltaHead(index)}{"type":"signature_delta","signature":"${THINKING_SIGNATURE}"}}\n\n` : '';
    return signature + sseEvent('content_block_stop', { index });
  }

  function start(kind: Open['kind'], block: Record<string, unknown>): string {
    const out = close();
    const index = blocks++;
    open = { kind, index, head: deltaHead(index) };
    return out + sseEvent('content_block_start', { index, content_block: block });
  }

  function text(kind: 'text' | 'thinking', delta: string): Uint8Array {
    let out = '';
    if (open?.kind !== kind) out = start(kind, kind === 'text' ? { type: 'text', text: '', citations: null } : { type: 'thinking', thinking: '', signature: '' });
    const field = kind === 'text' ? `{"type":"text_delta","text":` : `{"type":"thinking_delta","thinking":`;
    return encoder.encode(`${out}${open!.head}${field}${JSON.stringify(delta)}}}\n\n`);
  }

  function toolCall(delta: ToolCallDelta): Uint8Array | undefined {
    let out = '';
    let index = calls.get(delta.index);
    if (delta.id && index === undefined) {
      // Workers AI models stream one call after another: a new call ends the block before it.
      out = start('tool', { type: 'tool_use', id: toolUseId(delta.id), name: delta.function.name ?? '', input: {}, caller: { type: 'direct' } });
      index = open!.index;
      calls.set(delta.index, index);
    }
    if (index === undefined) return undefined;
    const args = delta.function.arguments;
    if (args) out += `${deltaHead(index)}{"type":"input_json_delta","partial_json":${JSON.stringify(args)}}}\n\n`;
    return out ? encoder.encode(out) : undefined;
  }

  return {
    start: () => encoder.encode(sseEvent('message_start', { message: messageShell(o.id, o.model, o.inputTokens) }) + sseEvent('ping')),
    reasoning(delta) {
      thinkingChars += delta.length;
      return o.showThinking ? text('thinking', delta) : undefined;
    },
    content: (delta) => text('text', delta),
    toolCall,
    finish(reason, stopSequence) {
      stop = { reason: stopReasonOf(reason, stopSequence), sequence: stopSequence ?? null };
      return encoder.encode(close());
    },
    usage: (usage: Usage) =>
      encoder.encode(
        sseEvent('message_delta', {
          delta: { stop_reason: stop.reason, stop_sequence: stop.sequence, stop_details: null, container: null },
          usage: {
            input_tokens: usage.prompt_tokens,
            output_tokens: usage.completion_tokens,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            output_tokens_details: { thinking_tokens: thinkingTokens(usage.completion_tokens, thinkingChars) },
            server_tool_use: null,
          },
        }),
      ),
    error({ error }: ErrorBody) {
      failed = true;
      const message = typeof error.message === 'string' ? error.message : 'The model failed to respond.';
      return encoder.encode(sseEvent('error', { error: { type: anthropicErrorType(undefined, error), message }, request_id: o.requestId ?? null }));
    },
    // After an error event the stream just ends, as Anthropic's does.
    done: () => (failed ? undefined : encoder.encode(sseEvent('message_stop'))),
  };
}

/**
 * Ping events while nothing else is sent for `ms` (a model thinking before its first token, a
 * long tool call): proxies and clients with idle timeouts keep the connection. The source's
 * bytes pass through as they come; cancelling the result cancels the source.
 */
export function withPings(source: ReadableStream<Uint8Array>, ms: number): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let timer: ReturnType<typeof setInterval> | undefined;
  let last = Date.now();
  const stopPings = () => {
    if (timer !== undefined) clearInterval(timer);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      timer = setInterval(() => {
        if (Date.now() - last < ms) return;
        last = Date.now();
        try {
          controller.enqueue(PING);
        } catch {
          stopPings();
        }
      }, ms);
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          stopPings();
          controller.close();
          return;
        }
        last = Date.now();
        controller.enqueue(value);
      } catch (err) {
        stopPings();
        controller.error(err);
      }
    },
    cancel(reason) {
      stopPings();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}
