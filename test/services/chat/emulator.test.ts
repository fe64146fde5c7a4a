/**
 * The issue-3 chat features end to end on the offline emulator transport (what `npm run dev`
 * serves): tools, reasoning, gpt-oss, JSON mode, vision, n and legacy completions.
 */
import { describe, expect, it } from 'vitest';
import type { Env } from '../../../src/env';
import { jsonOf, postJson, sseEvents, chatChunks } from '../../support/http';

const env = { LOG_REQUESTS: 'false' } as Env;
const tools = [
  { type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } },
];
const callWeather = [{ role: 'user', content: 'Use get_weather for Paris' }];
const PNG_URL = `data:image/png;base64,${btoa(String.fromCharCode(137, 80, 78, 71, 13, 10, 26, 10))}`;

const chat = (body: Record<string, unknown>) => postJson(env, '/v1/chat/completions', body);

async function chunksOf(res: Response) {
  expect(res.status).toBe(200);
  const chunks = await chatChunks(res);
  const deltas = chunks.map((c) => c.choices[0]?.delta ?? {});
  const args: string[] = [];
  for (const d of deltas) for (const t of d.tool_calls ?? []) args[t.index] = (args[t.index] ?? '') + (t.function.arguments ?? '');
  return {
    chunks,
    content: deltas.map((d) => d.content ?? '').join(''),
    reasoning: deltas.map((d) => d.reasoning_content ?? '').join(''),
    names: deltas.flatMap((d) => (d.tool_calls ?? []).filter((t: any) => t.id).map((t: any) => t.function.name)),
    args,
    finish: chunks.filter((c) => c.choices[0]?.finish_reason).at(-1)?.choices[0].finish_reason,
  };
}

describe('emulator: tools in every family', () => {
  it.each([
    '@cf/meta/llama-3.3-70b-instruct-fp8-fast',
    '@cf/meta/llama-4-scout-17b-16e-instruct',
    '@cf/qwen/qwen3-30b-a3b-fp8',
    '@cf/openai/gpt-oss-120b',
    '@cf/moonshotai/kimi-k2.6',
    '@cf/mistralai/mistral-small-3.1-24b-instruct',
  ])('%s calls the tool, non-stream and stream', async (model) => {
    const body = await jsonOf(await chat({ model, messages: callWeather, tools }), 'CreateChatCompletionResponse');
    expect(body.choices[0].finish_reason).toBe('tool_calls');
    const [call] = body.choices[0].message.tool_calls;
    expect(call.id).toMatch(/^call_/);
    expect(JSON.parse(call.function.arguments)).toEqual({ city: 'emulated' });

    const s = await chunksOf(await chat({ model, messages: callWeather, tools, stream: true }));
    expect(s.finish).toBe('tool_calls');
    expect(s.names).toEqual(['get_weather']);
    expect(JSON.parse(s.args[0]!)).toEqual({ city: 'emulated' });
    expect(s.content).toBe('');
  });

  it('a tool round trip answers in text', async () => {
    const first = await jsonOf(await chat({ model: '@cf/mistralai/mistral-small-3.1-24b-instruct', messages: callWeather, tools }));
    const call = first.choices[0].message.tool_calls[0];
    const messages = [...callWeather, first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: '18C' }];
    const second = await jsonOf(await chat({ model: '@cf/mistralai/mistral-small-3.1-24b-instruct', messages, tools }), 'CreateChatCompletionResponse');
    expect(second.choices[0].finish_reason).not.toBe('tool_calls');
    expect(second.choices[0].message.content).toContain('synthetic reply');
  });
});

describe('emulator: reasoning', () => {
  it.each(['@cf/qwen/qwq-32b', '@cf/deepseek-ai/deepseek-r1-distill-qwen-32b', '@cf/qwen/qwen3-30b-a3b-fp8', '@cf/openai/gpt-oss-20b'])(
    '%s puts the thinking in reasoning_content, non-stream and stream',
    async (model) => {
      const messages = [{ role: 'user', content: 'Why is the sky blue?' }];
      const body = await jsonOf(await chat({ model, messages }), 'CreateChatCompletionResponse');
      expect(body.choices[0].message.reasoning_content).toContain('The user wrote');
      expect(body.choices[0].message.content).toMatch(/^This is a synthetic reply/);
      const s = await chunksOf(await chat({ model, messages, stream: true }));
      expect(s.reasoning).toContain('The user wrote');
      expect(s.content).toMatch(/^This is a synthetic reply/);
      expect(s.content).not.toContain('think>');
    },
  );

  it('reasoning_effort none turns qwen3 thinking off', async () => {
    const body = await jsonOf(await chat({ model: '@cf/qwen/qwen3-30b-a3b-fp8', messages: [{ role: 'user', content: 'Hi' }], reasoning_effort: 'none' }));
    expect(body.choices[0].message.reasoning_content).toBeUndefined();
  });
});

describe('emulator: JSON mode, vision, n', () => {
  const format = { type: 'json_schema', json_schema: { name: 'p', schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } } } } };

  it.each(['@cf/meta/llama-3.3-70b-instruct-fp8-fast', '@cf/qwen/qwq-32b', '@cf/openai/gpt-oss-120b'])('%s answers JSON, non-stream and stream', async (model) => {
    const messages = [{ role: 'user', content: 'A person' }];
    const body = await jsonOf(await chat({ model, messages, response_format: format, max_tokens: 100 }), 'CreateChatCompletionResponse');
    expect(JSON.parse(body.choices[0].message.content)).toEqual({ name: 'emulated', age: 1 });
    const s = await chunksOf(await chat({ model, messages, response_format: format, max_tokens: 100, stream: true }));
    expect(JSON.parse(s.content)).toEqual({ name: 'emulated', age: 1 });
  });

  it.each(['@cf/meta/llama-4-scout-17b-16e-instruct', '@cf/meta/llama-3.2-11b-vision-instruct', '@cf/llava-hf/llava-1.5-7b-hf'])('%s answers about an image', async (model) => {
    const messages = [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: PNG_URL } }] }];
    const body = await jsonOf(await chat({ model, messages }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message.content.length).toBeGreaterThan(10);
  });

  it('moondream3.1 is fed its own {task, question, image} input (its schema) and its answer read', async () => {
    const messages = [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: PNG_URL } }] }];
    const body = await jsonOf(await chat({ model: '@cf/moondream/moondream3.1-9B-A2B', messages }), 'CreateChatCompletionResponse');
    // The emulator refuses a byte-array image (its schema says string) and echoes the question.
    expect(body.choices[0].message.content).toMatch(/answer from the Workers AI emulator to "What is this\?"/);
    expect(body.choices[0].message.reasoning_content.length).toBeGreaterThan(0);
    expect(body.usage.prompt_tokens).toBeGreaterThan(729);
  });

  it('n = 2 gives two choices, streamed too', async () => {
    const messages = [{ role: 'user', content: 'Hello' }];
    const body = await jsonOf(await chat({ model: '@cf/meta/llama-3.1-8b-instruct-fast', messages, n: 2, seed: 1 }), 'CreateChatCompletionResponse');
    expect(body.choices).toHaveLength(2);
    const s = await chunksOf(await chat({ model: '@cf/meta/llama-3.1-8b-instruct-fast', messages, n: 2, stream: true, stream_options: { include_usage: true } }));
    expect(new Set(s.chunks.flatMap((c) => c.choices.map((ch: any) => ch.index)))).toEqual(new Set([0, 1]));
    expect(s.chunks.at(-1).usage.completion_tokens).toBeGreaterThan(0);
  });

  it('a context window overflow is a 400', async () => {
    // llama-3.3-70b-instruct-fp8-fast: context_window 24000; this is about 30000 tokens.
    const res = await chat({ model: '@cf/meta/llama-3.3-70b-instruct-fp8-fast', messages: [{ role: 'user', content: 'x '.repeat(60000) }] });
    expect(res.status).toBe(400);
    expect((await res.json<any>()).error.code).toBe('context_length_exceeded');
  });
});

describe('emulator: legacy completions', () => {
  it('answers non-stream and stream', async () => {
    const body = await jsonOf(await postJson(env, '/v1/completions', { model: 'gpt-3.5-turbo', prompt: 'Hello', max_tokens: 30 }), 'CreateCompletionResponse');
    expect(body.choices[0].text).toContain('synthetic reply');
    const events = await sseEvents(await postJson(env, '/v1/completions', { model: 'gpt-3.5-turbo', prompt: 'Hello', max_tokens: 30, stream: true }));
    const text = events.slice(0, -1).map((e) => e.json.choices[0]?.text ?? '').join('');
    expect(text).toBe(body.choices[0].text);
  });
});
