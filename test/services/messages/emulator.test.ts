/**
 * POST /v1/messages (Anthropic's Messages API) end to end on the offline emulator transport (what
 * `npm run dev` serves). Every answer and every stream event is validated against the Anthropic
 * shapes in test/anthropic/schemas.json.
 */
import { describe, expect, it } from 'vitest';
import type { Env } from '../../../src/env';
import { accumulate, expectAnthropic, expectAnthropicError, messageEvents } from '../../anthropic/validate';
import { call, postJson } from '../../support/http';

const MAP = JSON.stringify({ opus: '@cf/openai/gpt-oss-120b', sonnet: '@cf/moonshotai/kimi-k2.6', haiku: '@cf/meta/llama-3.3-70b-instruct-fp8-fast', claude: '@cf/moonshotai/kimi-k2.6' });
const env = { LOG_REQUESTS: 'false', ANTHROPIC_MODEL_MAP: MAP } as Env;
const headers = { 'anthropic-version': '2023-06-01', 'x-api-key': 'anything' };
const create = (body: Record<string, unknown>, path = '/v1/messages') => postJson(env, path, body, { headers, anonymous: true });
const weather = { name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };

async function message(body: Record<string, unknown>) {
  const res = await create(body);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text}`);
  const json = JSON.parse(text);
  expectAnthropic('Message', json);
  return json;
}

describe('messages: emulator', () => {
  it('answers text, non-stream and stream, the same', async () => {
    const body = { model: 'claude-sonnet-4-5', max_tokens: 200, system: 'Be brief.', messages: [{ role: 'user', content: 'Hello' }] };
    const json = await message(body);
    expect(json.model).toBe('claude-sonnet-4-5');
    expect(json.stop_reason).toBe('end_turn');
    expect(json.content.at(-1)).toMatchObject({ type: 'text' });
    expect(json.content.at(-1).text).toContain('synthetic reply');
    expect(json.usage.input_tokens).toBeGreaterThan(0);
    expect(json.usage.output_tokens).toBeGreaterThan(0);

    const events = await messageEvents(await create({ ...body, stream: true }));
    expect(events[1].type).toBe('ping');
    const streamed = accumulate(events);
    expect(streamed.content.map((b: any) => b.text ?? b.thinking)).toEqual(json.content.map((b: any) => b.text ?? b.thinking));
    expect(streamed.stop_reason).toBe('end_turn');
    expect(streamed.usage.output_tokens).toBe(json.usage.output_tokens);
  });

  it('is served without /v1 and with ?beta=true, as Claude Code calls it', async () => {
    for (const path of ['/messages', '/v1/messages?beta=true']) {
      const res = await create({ model: '@cf/moonshotai/kimi-k2.6', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] }, path);
      expect(res.status).toBe(200);
      expectAnthropic('Message', await res.json());
    }
  });

  it.each(['@cf/meta/llama-3.3-70b-instruct-fp8-fast', '@cf/openai/gpt-oss-120b', '@cf/moonshotai/kimi-k2.6', '@cf/meta/llama-4-scout-17b-16e-instruct'])(
    '%s calls a tool (stream and not), then answers its result',
    async (model) => {
      const messages = [{ role: 'user', content: 'Use get_weather for Paris' }];
      const first = await message({ model, max_tokens: 300, messages, tools: [weather] });
      expect(first.stop_reason).toBe('tool_use');
      const use = first.content.find((b: any) => b.type === 'tool_use');
      expect(use).toMatchObject({ name: 'get_weather', input: { city: 'emulated' } });

      const events = await messageEvents(await create({ model, max_tokens: 300, messages, tools: [weather], stream: true }));
      expect(events.filter((e) => e.delta?.type === 'input_json_delta').length).toBeGreaterThan(0);
      const streamed = accumulate(events);
      expect(streamed.stop_reason).toBe('tool_use');
      expect(streamed.content.find((b: any) => b.type === 'tool_use').input).toEqual({ city: 'emulated' });

      const next = [...messages, { role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18C' }] }];
      const second = await message({ model, max_tokens: 300, messages: next, tools: [weather] });
      expect(second.stop_reason).toBe('end_turn');
      expect(second.content.some((b: any) => b.type === 'tool_use')).toBe(false);
    },
  );

  it('streams tool input as input_json_delta fragments as they arrive', async () => {
    const events = await messageEvents(await create({ model: '@cf/meta/llama-4-scout-17b-16e-instruct', max_tokens: 300, stream: true, tools: [weather], messages: [{ role: 'user', content: 'Use get_weather for Paris' }] }));
    // llama-4-scout streams arguments 8 characters at a time: each fragment is its own delta.
    const fragments = events.filter((e) => e.delta?.type === 'input_json_delta').map((e) => e.delta.partial_json);
    expect(fragments.length).toBeGreaterThan(1);
    expect(JSON.parse(fragments.join(''))).toEqual({ city: 'emulated' });
  });

  it('forces a tool with tool_choice any / tool, and sends none with tool_choice none', async () => {
    const other = { name: 'get_time', description: 'Time', input_schema: { type: 'object', properties: { zone: { type: 'string' } } } };
    const base = { model: '@cf/moonshotai/kimi-k2.6', max_tokens: 300, tools: [weather, other], messages: [{ role: 'user', content: 'Hello' }] };
    const forced = await message({ ...base, tool_choice: { type: 'tool', name: 'get_time' } });
    expect(forced.content.find((b: any) => b.type === 'tool_use').name).toBe('get_time');
    const any = await message({ ...base, tool_choice: { type: 'any' } });
    expect(any.stop_reason).toBe('tool_use');
    const none = await message({ ...base, messages: [{ role: 'user', content: 'Use get_weather' }], tool_choice: { type: 'none' } });
    expect(none.stop_reason).toBe('end_turn');
  });

  it('returns thinking blocks, streamed as thinking_delta with a signature, and omits them for display: omitted', async () => {
    const body = { model: '@cf/deepseek-ai/deepseek-r1-distill-qwen-32b', max_tokens: 400, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: 'Why is the sky blue?' }] };
    const json = await message(body);
    expect(json.content[0].type).toBe('thinking');
    expect(json.content[0].thinking).toContain('The user wrote');
    expect(json.content[1].text).not.toContain('think>');
    const events = await messageEvents(await create({ ...body, stream: true }));
    expect(events.filter((e) => e.delta?.type === 'thinking_delta').length).toBeGreaterThan(1);
    expect(events.some((e) => e.delta?.type === 'signature_delta')).toBe(true);
    expect(accumulate(events).content[0].thinking.trim()).toBe(json.content[0].thinking);

    const omitted = await message({ ...body, thinking: { type: 'adaptive', display: 'omitted' } });
    expect(omitted.content.map((b: any) => b.type)).toEqual(['text']);
  });

  it('stops at a stop sequence and says which', async () => {
    const body = { model: '@cf/moonshotai/kimi-k2.6', max_tokens: 300, stop_sequences: ['zzz', '3'], messages: [{ role: 'user', content: 'count to 5' }] };
    const json = await message(body);
    expect(json).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: '3' });
    const text = (m: any) => m.content.find((b: any) => b.type === 'text').text;
    expect(text(json)).toContain('2');
    expect(text(json)).not.toContain('3');
    const streamed = accumulate(await messageEvents(await create({ ...body, stream: true })));
    expect(streamed).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: '3' });
    expect(text(streamed)).toBe(text(json));
  });

  it('says max_tokens when the limit cut the answer', async () => {
    const body = { model: '@cf/moonshotai/kimi-k2.6', max_tokens: 5, messages: [{ role: 'user', content: 'Write a long story' }] };
    expect((await message(body)).stop_reason).toBe('max_tokens');
    expect(accumulate(await messageEvents(await create({ ...body, stream: true }))).stop_reason).toBe('max_tokens');
  });

  it('takes images as base64 blocks on a vision model', async () => {
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const json = await message({
      model: '@cf/meta/llama-4-scout-17b-16e-instruct',
      max_tokens: 100,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }, { type: 'text', text: 'What is this?' }] }],
    });
    expect(json.stop_reason).toBe('end_turn');
  });

  it('counts tokens, and counts more for more text and for tools', async () => {
    const count = async (body: Record<string, unknown>) => {
      const res = await create({ model: 'claude-haiku-4-5', ...body }, '/v1/messages/count_tokens');
      expect(res.status).toBe(200);
      const json = await res.json<any>();
      expectAnthropic('MessageTokensCount', json);
      return json.input_tokens as number;
    };
    const short = await count({ messages: [{ role: 'user', content: 'Hello' }] });
    expect(short).toBeGreaterThan(0);
    expect(await count({ messages: [{ role: 'user', content: 'Hello '.repeat(100) }] })).toBeGreaterThan(short);
    expect(await count({ messages: [{ role: 'user', content: 'Hello' }], tools: [weather] })).toBeGreaterThan(short);
  });

  it('lists models in Anthropic shape with anthropic-version, paged by after_id', async () => {
    const res = await call(env, '/v1/models?limit=3', { headers, anonymous: true });
    const page = await res.json<any>();
    expectAnthropic('ModelList', page);
    expect(page.data).toHaveLength(3);
    expect(page.has_more).toBe(true);
    expect(page.last_id).toBe(page.data[2].id);
    const next = await (await call(env, `/v1/models?limit=3&after_id=${encodeURIComponent(page.last_id)}`, { headers, anonymous: true })).json<any>();
    expectAnthropic('ModelList', next);
    expect(next.data[0].id).not.toBe(page.data[0].id);
    const back = await (await call(env, `/v1/models?limit=3&before_id=${encodeURIComponent(next.first_id)}`, { headers, anonymous: true })).json<any>();
    expect(back.data.map((m: any) => m.id)).toEqual(page.data.map((m: any) => m.id));

    const one = await (await call(env, '/v1/models/claude-sonnet-4-5', { headers, anonymous: true })).json<any>();
    expectAnthropic('ModelInfo', one);
    expect(one.id).toBe('claude-sonnet-4-5');
    expect(one.display_name).toContain('kimi-k2.6');
    // Without the header: the OpenAI list, as before.
    expect((await (await call(env, '/v1/models', { anonymous: true })).json<any>()).object).toBe('list');
    await expectAnthropicError(await call(env, '/v1/models/nope-model', { headers, anonymous: true }), 404, 'not_found_error');
  });

  it('refuses a limit outside 1-1000 with a 400 saying so', async () => {
    for (const limit of ['0', '1001', '02', 'x']) {
      await expectAnthropicError(await call(env, `/v1/models?limit=${limit}`, { headers, anonymous: true }), 400, 'invalid_request_error', /limit: must be a whole number from 1 to 1000/);
    }
    expect((await call(env, '/v1/models?limit=1000', { headers, anonymous: true })).status).toBe(200);
  });

  it('maps claude-* names by family, and takes @cf ids and proxy aliases as they are', async () => {
    const ran: string[] = [];
    for (const model of ['claude-opus-4-1-20250805', 'claude-3-5-haiku-latest', 'claude-sonnet-4-5', 'claude-instant-1.2']) {
      const res = await create({ model, max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] });
      const json = await res.json<any>();
      expectAnthropic('Message', json);
      expect(json.model).toBe(model);
      ran.push(json.id);
    }
    expect(ran).toHaveLength(4);
    await expectAnthropicError(await create({ model: 'no-such-model', max_tokens: 20, messages: [{ role: 'user', content: 'Hi' }] }), 404, 'not_found_error');
  });
});
