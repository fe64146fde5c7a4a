/** POST /v1/responses end to end on the offline emulator transport (what `npm run dev` serves). */
import { describe, expect, it } from 'vitest';
import type { Env } from '../../../src/env';
import { jsonOf, postJson } from '../../support/http';
import { deltas, responseEvents } from '../../support/responses-sse';

const env = { LOG_REQUESTS: 'false' } as Env;
const create = (body: Record<string, unknown>) => postJson(env, '/v1/responses', body);
const tools = [{ type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];

describe('emulator: responses', () => {
  it('answers text, non-stream and stream, the same', async () => {
    const body = await jsonOf(await create({ model: 'gpt-4o-mini', instructions: 'Be brief.', input: 'Hello' }), 'Response');
    expect(body.status).toBe('completed');
    expect(body.output_text).toContain('synthetic reply');
    expect(body.usage.output_tokens).toBeGreaterThan(0);
    const events = await responseEvents(await create({ model: 'gpt-4o-mini', instructions: 'Be brief.', input: 'Hello', stream: true }));
    expect(deltas(events, 'response.output_text.delta')).toBe(body.output_text);
    expect(events.at(-1).type).toBe('response.completed');
  });

  it.each(['@cf/meta/llama-3.3-70b-instruct-fp8-fast', '@cf/openai/gpt-oss-120b', '@cf/moonshotai/kimi-k2.6'])('%s calls a function tool, then answers its output', async (model) => {
    const input = [{ role: 'user', content: 'Use get_weather for Paris' }];
    const first = await jsonOf(await create({ model, input, tools }), 'Response');
    const call = first.output.find((o: any) => o.type === 'function_call');
    expect(call).toMatchObject({ name: 'get_weather', status: 'completed' });
    expect(JSON.parse(call.arguments)).toEqual({ city: 'emulated' });

    const events = await responseEvents(await create({ model, input, tools, stream: true }));
    const done = events.find((e) => e.type === 'response.function_call_arguments.done');
    expect(JSON.parse(done.arguments)).toEqual({ city: 'emulated' });

    // The next turn sends the earlier output back as input items, with the function's output.
    const next = [...input, ...first.output, { type: 'function_call_output', call_id: call.call_id, output: '18C' }];
    const second = await jsonOf(await create({ model, input: next, tools }), 'Response');
    expect(second.output.some((o: any) => o.type === 'function_call')).toBe(false);
    expect(second.output_text).toContain('synthetic reply');
  });

  it.each(['@cf/deepseek-ai/deepseek-r1-distill-qwen-32b', '@cf/openai/gpt-oss-20b'])('%s reasons in a reasoning item', async (model) => {
    const body = await jsonOf(await create({ model, input: 'Why is the sky blue?', reasoning: { effort: 'low' } }), 'Response');
    expect(body.output[0].type).toBe('reasoning');
    expect(body.output[0].summary[0].text).toContain('The user wrote');
    expect(body.output_text).not.toContain('think>');
    const events = await responseEvents(await create({ model, input: 'Why is the sky blue?', stream: true }));
    expect(deltas(events, 'response.reasoning_summary_text.delta')).toContain('The user wrote');
    expect(deltas(events, 'response.output_text.delta')).toMatch(/^This is a synthetic reply/);
  });

  it('answers JSON for text.format json_schema', async () => {
    const format = { type: 'json_schema', name: 'p', schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } } } };
    const body = await jsonOf(await create({ model: '@cf/meta/llama-3.3-70b-instruct-fp8-fast', input: 'A person', text: { format } }), 'Response');
    expect(JSON.parse(body.output_text)).toEqual({ name: 'emulated', age: 1 });
  });
});
