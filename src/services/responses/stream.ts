/**
 * The Responses event stream, written by the chat engine's per-choice transform as the model's
 * deltas arrive (no second parsing stage): `event: <type>` + `data: <json>` with a
 * sequence_number from 0. response.created and response.in_progress first; then each output item
 * is announced (output_item.added, its content or summary part), filled by deltas and closed
 * (*.done, output_item.done); response.completed / response.incomplete close the stream with the
 * whole Response and its usage. A failure sends `error` then `response.failed`. No `[DONE]`.
 *
 * Reasoning goes out as a reasoning item's summary (reasoning_summary_text.delta), which is what
 * the Vercel AI SDK and Codex read; Workers AI models have no separate summary.
 */
import type { ChunkWriter, ErrorBody, FinishReason } from '../chat/stream';
import type { ToolCallDelta } from '../chat/tools';
import type { Usage } from '../usage';
import { itemIdOf } from './store';
import {
  finishedResponse,
  responseUsage,
  type FunctionCallOutput,
  type MessageOutput,
  type OutputItem,
  type OutputTextPart,
  type ReasoningOutput,
  type ResponseObject,
} from './object';

const encoder = new TextEncoder();

/** The reasoning or message item receiving text deltas. */
interface OpenText {
  item: ReasoningOutput | MessageOutput;
  index: number;
  text: string;
  /** The start of its delta events, up to `"delta":`, encoded once. */
  head: string;
}

interface OpenCall {
  item: FunctionCallOutput;
  index: number;
  head: string;
}

/** OpenAI's ResponseError codes a stream failure can carry: every 429 of the error table is a rate limit there. */
const RATE_LIMITED = new Set(['rate_limit_exceeded', 'insufficient_quota', 'upstream_overloaded']);
const failureCode = (code: string) => (RATE_LIMITED.has(code) ? 'rate_limit_exceeded' : 'server_error');

const outputText = (text: string): OutputTextPart => ({ type: 'output_text', text, annotations: [], logprobs: [] });

export interface ResponsesWriter extends ChunkWriter {
  /** With `deferCompleted`: the finished response, once usage() has built it. */
  completed(): ResponseObject | undefined;
  /** With `deferCompleted`: the closing response.completed / response.incomplete event, `store` as it turned out. */
  completedEvent(stored: boolean): Uint8Array;
}

/**
 * `deferCompleted`: usage() keeps the finished response instead of sending it, so the caller can
 * store it and then send the closing event (completedEvent) saying whether it was stored.
 */
export function responsesWriter(shell: ResponseObject, deferCompleted = false): ResponsesWriter {
  let seq = 0;
  const output: OutputItem[] = [];
  let open: OpenText | undefined;
  /** Function calls by the chat delta index; open until the end (a late argument fragment still has a place). */
  const calls = new Map<number, OpenCall>();
  let finish: FinishReason = 'stop';
  let reasoningChars = 0;
  let sawMessage = false;
  let completed: ResponseObject | undefined;
  const closing = (response: ResponseObject) =>
    encoder.encode(event(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response }));

  const event = (type: string, body: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body, sequence_number: seq++ })}\n\n`;
  const deltaHead = (type: string, ids: string) => `event: ${type}\ndata: {"type":"${type}",${ids},"delta":`;

  function openReasoning(): string {
    const item: ReasoningOutput = { id: itemIdOf('rs', shell.id, output.length), type: 'reasoning', summary: [] };
    const index = output.push(item) - 1;
    const ids = `"item_id":"${item.id}","output_index":${index},"summary_index":0`;
    open = { item, index, text: '', head: deltaHead('response.reasoning_summary_text.delta', ids) };
    return (
      event('response.output_item.added', { output_index: index, item }) +
      event('response.reasoning_summary_part.added', { item_id: item.id, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } })
    );
  }

  function openMessage(): string {
    sawMessage = true;
    const item: MessageOutput = { id: itemIdOf('msg', shell.id, output.length), type: 'message', status: 'in_progress', content: [], role: 'assistant' };
    const index = output.push(item) - 1;
    const ids = `"item_id":"${item.id}","output_index":${index},"content_index":0`;
    open = { item, index, text: '', head: deltaHead('response.output_text.delta', ids) };
    return (
      event('response.output_item.added', { output_index: index, item }) +
      event('response.content_part.added', { item_id: item.id, output_index: index, content_index: 0, part: outputText('') })
    );
  }

  /** Closes the open reasoning or message item: its *.done events, then output_item.done. */
  function closeText(): string {
    if (!open) return '';
    const { item, index, text } = open;
    open = undefined;
    const ids = { item_id: item.id, output_index: index };
    if (item.type === 'reasoning') {
      const part = { type: 'summary_text' as const, text };
      item.summary = [part];
      return (
        event('response.reasoning_summary_text.done', { ...ids, summary_index: 0, text }) +
        event('response.reasoning_summary_part.done', { ...ids, summary_index: 0, part }) +
        event('response.output_item.done', { output_index: index, item })
      );
    }
    const part = outputText(text);
    item.content = [part];
    item.status = finish === 'length' || finish === 'content_filter' ? 'incomplete' : 'completed';
    return (
      event('response.output_text.done', { ...ids, content_index: 0, text, logprobs: [] }) +
      event('response.content_part.done', { ...ids, content_index: 0, part }) +
      event('response.output_item.done', { output_index: index, item })
    );
  }

  function text(kind: 'reasoning' | 'message', delta: string): Uint8Array {
    let out = '';
    if (open?.item.type !== kind) out = closeText() + (kind === 'reasoning' ? openReasoning() : openMessage());
    open!.text += delta;
    out += `${open!.head}${JSON.stringify(delta)}${kind === 'message' ? ',"logprobs":[]' : ''},"sequence_number":${seq++}}\n\n`;
    return encoder.encode(out);
  }

  function toolCall(delta: ToolCallDelta): Uint8Array | undefined {
    let out = '';
    let call = calls.get(delta.index);
    if (delta.id && !call) {
      out = closeText();
      const item: FunctionCallOutput = { id: itemIdOf('fc', shell.id, output.length), type: 'function_call', status: 'in_progress', arguments: '', call_id: delta.id, name: delta.function.name ?? '' };
      const index = output.push(item) - 1;
      call = { item, index, head: deltaHead('response.function_call_arguments.delta', `"item_id":"${item.id}","output_index":${index}`) };
      calls.set(delta.index, call);
      out += event('response.output_item.added', { output_index: index, item });
    }
    if (!call) return undefined;
    const args = delta.function.arguments;
    if (args) {
      call.item.arguments += args;
      out += `${call.head}${JSON.stringify(args)},"sequence_number":${seq++}}\n\n`;
    }
    return out ? encoder.encode(out) : undefined;
  }

  return {
    start: () => encoder.encode(event('response.created', { response: shell }) + event('response.in_progress', { response: shell })),
    reasoning(delta) {
      reasoningChars += delta.length;
      return text('reasoning', delta);
    },
    content: (delta) => text('message', delta),
    toolCall,
    finish(reason) {
      finish = reason;
      let out = closeText();
      // Like the non-stream answer: an answer with neither text nor calls still has its (empty) message.
      if (!sawMessage && !calls.size) out += openMessage() + closeText();
      for (const { item, index } of calls.values()) {
        item.status = 'completed';
        out +=
          event('response.function_call_arguments.done', { item_id: item.id, output_index: index, name: item.name, arguments: item.arguments }) +
          event('response.output_item.done', { output_index: index, item });
      }
      return encoder.encode(out);
    },
    usage(usage: Usage) {
      const response = finishedResponse(shell, output, finish, responseUsage(usage, reasoningChars));
      if (!deferCompleted) return closing(response);
      completed = response;
      return new Uint8Array(0);
    },
    completed: () => completed,
    completedEvent: (stored) => closing({ ...completed!, store: stored }),
    error({ error }: ErrorBody) {
      // What was generated so far stays in the failed response, marked incomplete.
      if (open) {
        if (open.item.type === 'reasoning') open.item.summary = [{ type: 'summary_text', text: open.text }];
        else {
          open.item.content = [outputText(open.text)];
          open.item.status = 'incomplete';
        }
      }
      for (const { item } of calls.values()) item.status = 'incomplete';
      // An upstream's own OpenAI-shaped error may lack some fields; clients need them all.
      const code = typeof error.code === 'string' && error.code ? error.code : 'server_error';
      const message = typeof error.message === 'string' ? error.message : 'The model failed to respond.';
      const param = typeof error.param === 'string' ? error.param : null;
      const response: ResponseObject = { ...shell, status: 'failed', error: { code: failureCode(code), message }, output };
      return encoder.encode(
        // Both shapes of the error event: OpenAI's spec (code, message, param at the top) and the
        // nested `error` object newer OpenAI streams and the Vercel AI SDK use.
        event('error', { code, message, param, error: { type: typeof error.type === 'string' ? error.type : 'server_error', code, message, param } }) +
          event('response.failed', { response }),
      );
    },
    done: () => undefined,
  };
}
