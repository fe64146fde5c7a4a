/**
 * Anthropic shape assertions for tests (inside workerd), and a strict reader of Messages event
 * streams: every event framed as `event: <type>` + `data: <json>`, the event name equal to the
 * payload's type, every payload valid, the events in Anthropic's order.
 */
import * as validators from 'virtual:anthropic-schemas';
import { expect } from 'vitest';
import type { AnthropicSchema } from './plugin';

export function expectAnthropic(name: AnthropicSchema, value: unknown): void {
  const validate = validators[name];
  if (!validate(value)) {
    const errors = (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword} (${e.schemaPath})`);
    throw new Error(`not a valid Anthropic ${name}:\n  ${errors.join('\n  ')}\n${JSON.stringify(value).slice(0, 1500)}`);
  }
}

/** Asserts an Anthropic error answer with the given status and error type; returns its message. */
export async function expectAnthropicError(res: Response, status: number, type: string, message?: RegExp): Promise<string> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${text}`);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text);
  expectAnthropic('ErrorResponse', body);
  expect(body.error.type).toBe(type);
  expect(body.request_id).toBe(res.headers.get('request-id'));
  if (message) expect(body.error.message).toMatch(message);
  return body.error.message;
}

/** Parses a whole event stream, checking framing, every event's shape and the order Anthropic sends them in. */
export function parseEvents(text: string): any[] {
  if (!text.endsWith('\n\n')) throw new Error(`stream does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
  const events = text
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      const m = /^event: (\w+)\ndata: (.+)$/.exec(block);
      if (!m || m[2]!.includes('\n')) throw new Error(`bad SSE event framing: ${JSON.stringify(block)}`);
      const json = JSON.parse(m[2]!);
      expect(json.type).toBe(m[1]);
      expectAnthropic('StreamEvent', json);
      return json;
    });
  checkOrder(events);
  return events;
}

/** message_start first; blocks opened in index order, one at a time, deltas only to the open one; message_delta, then message_stop last (or an error ends it). */
function checkOrder(events: any[]): void {
  const kinds = events.filter((e) => e.type !== 'ping');
  expect(kinds[0]?.type).toBe('message_start');
  let open: { index: number; type: string } | undefined;
  let next = 0;
  let delta = false;
  for (const e of kinds.slice(1)) {
    if (e.type === 'error') {
      expect(e).toBe(kinds.at(-1));
      return;
    }
    expect(delta, `${e.type} after message_delta`).toBe(e.type === 'message_stop');
    if (e.type === 'content_block_start') {
      expect(open, 'a block starts while another is open').toBeUndefined();
      expect(e.index).toBe(next++);
      open = { index: e.index, type: e.content_block.type };
    } else if (e.type === 'content_block_delta') {
      expect(e.index).toBe(open?.index);
      const fits = { text: ['text_delta'], thinking: ['thinking_delta', 'signature_delta'], tool_use: ['input_json_delta'] }[open!.type as 'text'];
      expect(fits).toContain(e.delta.type);
    } else if (e.type === 'content_block_stop') {
      expect(e.index).toBe(open?.index);
      open = undefined;
    } else if (e.type === 'message_delta') {
      expect(open, 'message_delta while a block is open').toBeUndefined();
      delta = true;
    }
  }
  expect(kinds.at(-1)?.type).toBe('message_stop');
}

/** Reads a streaming answer: status, content type, then parseEvents. */
export async function messageEvents(res: Response): Promise<any[]> {
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${await res.text()}`);
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  return parseEvents(await res.text());
}

/** The Message the events add up to, as the SDK's accumulator builds it (tool input parsed from its JSON deltas). */
export function accumulate(events: any[]): any {
  const start = events.find((e) => e.type === 'message_start');
  const message = structuredClone(start.message);
  const json: string[] = [];
  for (const e of events) {
    if (e.type === 'content_block_start') {
      message.content[e.index] = structuredClone(e.content_block);
      json[e.index] = '';
    } else if (e.type === 'content_block_delta') {
      const block = message.content[e.index];
      if (e.delta.type === 'text_delta') block.text += e.delta.text;
      else if (e.delta.type === 'thinking_delta') block.thinking += e.delta.thinking;
      else if (e.delta.type === 'signature_delta') block.signature = e.delta.signature;
      else json[e.index] += e.delta.partial_json;
    } else if (e.type === 'content_block_stop') {
      const block = message.content[e.index];
      if (block.type === 'tool_use') block.input = json[e.index] ? JSON.parse(json[e.index]!) : {};
    } else if (e.type === 'message_delta') {
      Object.assign(message, e.delta);
      Object.assign(message.usage, Object.fromEntries(Object.entries(e.usage).filter(([, v]) => v !== null)));
    }
  }
  return message;
}
