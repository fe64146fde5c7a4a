/**
 * The emulator as today's platform (issue 11): the generated catalog (no retired models), the new
 * OpenAI-shaped families, 5035 on a Free plan, 5028 for retired ids, decision and WebSocket models.
 */
import { describe, expect, it } from 'vitest';
import { RETIRED } from '../../../src/services/models/lifecycle.generated';
import { createEmulator } from '../../../src/dev/emulator';
import { UpstreamError } from '../../../src/services/upstream/types';
import { KEY, call, expectError, jsonOf, postJson, chatChunks } from '../../support/http';

type J = Record<string, any>;
const ai = createEmulator();
const hi = { messages: [{ role: 'user', content: 'Hi there, please answer briefly.' }] };
const devEnv = (extra: Record<string, string> = {}) => ({ LOG_REQUESTS: 'false', PROXY_API_KEY: KEY, ...extra });

async function upstreamError(p: Promise<unknown>): Promise<UpstreamError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamError);
  return err as UpstreamError;
}

async function rawEvents(stream: unknown): Promise<string[]> {
  const text = await new Response(stream as ReadableStream).text();
  return text.slice(0, -2).split('\n\n').map((e) => e.slice(6));
}

describe('the generated catalog', () => {
  it('lists no retired model, and every new family', async () => {
    const names = (await ai.models()).map((m) => m.name);
    expect(names.filter((n) => Object.hasOwn(RETIRED, n))).toEqual([]);
    for (const n of ['@cf/moonshotai/kimi-k2.6', '@cf/zai-org/glm-4.7-flash', '@cf/google/gemma-4-26b-a4b-it', '@cf/deepseek-ai/deepseek-v4-pro-0813', '@cf/nvidia/nemotron-3-120b-a12b', '@cf/qwen/qwen3.8-27b'])
      expect(names).toContain(n);
  });

  it('carries the published properties: price, paid-only, real catalog UUIDs and dates', async () => {
    const kimi = (await ai.models()).find((m) => m.name === '@cf/moonshotai/kimi-k2.6')!;
    expect(kimi.id).toBe('8a5d00bd-de28-4a28-b37a-ce46d01ebaeb');
    expect(kimi.created_at).toBe('2026-04-20 01:40:35.001');
    const props = Object.fromEntries(kimi.properties.map((p) => [p.property_id, p.value]));
    expect(props).toMatchObject({ require_workers_paid: 'true', context_window: '262144', function_calling: 'true' });
    expect(props.price).toEqual(expect.arrayContaining([{ unit: 'per M cached input tokens', price: 0.16, currency: 'USD' }]));
  });

  it('schema(): the published schema, or the family\'s OpenAI chat schema where the file lacked it', async () => {
    const glm = (await ai.schema('@cf/zai-org/glm-4.7-flash')) as J;
    expect(glm.input.properties).toMatchObject({ top_logprobs: { minimum: 0, maximum: 20 }, n: { minimum: 1, maximum: 128 }, logprobs: { type: 'boolean' }, logit_bias: {}, prediction: {} });
    expect(glm.input.properties.chat_template_kwargs.properties.enable_thinking).toEqual({ type: 'boolean' });
    const legacy = (await ai.schema('@cf/meta/llama-3.1-8b-instruct-fast')) as J;
    expect(JSON.stringify(legacy.input)).toContain('"maxLength":131072');
    expect(JSON.stringify(legacy)).not.toContain('The input text prompt'); // descriptions are dropped
    expect(await ai.schema('@cf/utter-project/eurollm-9b-it')).toBeNull(); // its file publishes no schema
  });
});

describe('the new families answer in their real shapes', () => {
  it('kimi: chat.completion with reasoning_content, a tool call id, cached and reasoning tokens', async () => {
    const long = { messages: [{ role: 'user', content: `${'Context. '.repeat(40)}What is the weather? Use get_weather.` }] };
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const out = (await ai.run('@cf/moonshotai/kimi-k2.6', { ...long, tools })) as J;
    expect(out.object).toBe('chat.completion');
    expect(out.choices[0].message.reasoning_content).toMatch(/emulator/);
    expect(out.choices[0].message.tool_calls[0].id).toMatch(/^call_/);
    expect(out.usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
    expect(out.usage.prompt_tokens_details.cached_tokens % 16).toBe(0);
    expect(out.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(out.usage.completion_tokens_details.reasoning_tokens).toBeLessThanOrEqual(out.usage.completion_tokens);
  });

  it('glm streams chat.completion.chunk events with reasoning_content, then an empty-choices usage chunk', async () => {
    const events = await rawEvents(await ai.run('@cf/zai-org/glm-4.7-flash', { ...hi, stream: true }));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as J);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.some((c) => c.choices[0]?.delta?.reasoning_content)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens_details: { reasoning_tokens: expect.any(Number) } } });
  });

  it('gemma-4 pads its chunks with `p` and ends with a legacy usage event', async () => {
    const events = await rawEvents(await ai.run('@cf/google/gemma-4-26b-a4b-it', { ...hi, stream: true }));
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as J);
    expect(chunks.filter((c) => c.object === 'chat.completion.chunk' && typeof c.p === 'string').length).toBeGreaterThan(3);
    expect(chunks.at(-1)).toEqual({ response: '', usage: expect.objectContaining({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) }) });
  });

  it('a decision model answers every question by id; a WebSocket-only model refuses HTTP; smart-turn detects turns', async () => {
    const out = (await ai.run('@cf/cloudflare/clef-flash', { model: 'clef-flash', state: 'the user said thanks', questions: { done: { type: 'noul', instructions: 'Is the conversation over?' } } })) as J;
    expect(out).toEqual({ model: 'clef-flash', answers: { done: { type: 'noul', noul: 0.5 } } });
    const ws = await upstreamError(ai.run('@cf/deepgram/flux', { encoding: 'linear16', sample_rate: '16000', audio: [1] }));
    expect(ws.message).toMatch(/WebSocket/);
    expect(await ai.run('@cf/pipecat-ai/smart-turn-v2', { audio: 'AAAA' })).toMatchObject({ is_complete: expect.any(Boolean), probability: expect.any(Number) });
  });
});

describe('platform errors', () => {
  it('a retired id is 5028 with its retirement date', async () => {
    const err = await upstreamError(ai.run('@cf/meta/llama-3.1-8b-instruct', hi));
    expect(err.code).toBe(5028);
    expect(err.message).toBe('5028: This model was deprecated on 2026-05-30');
  });

  it('on EMULATOR_PLAN=free a paid-only model is 403 / 5035; on the default (paid) it answers', async () => {
    const free = createEmulator({ plan: 'free' });
    const err = await upstreamError(free.run('@cf/moonshotai/kimi-k2.6', hi));
    expect([err.code, err.status]).toEqual([5035, 403]);
    expect(await free.run('@cf/zai-org/glm-4.7-flash', hi)).toMatchObject({ object: 'chat.completion' });
    expect(await ai.run('@cf/moonshotai/kimi-k2.6', hi)).toMatchObject({ object: 'chat.completion' });
  });

  it('through the proxy: 403 model_requires_paid_plan, listed with requires_paid_plan, and a bad plan value is a misconfiguration', async () => {
    const env = devEnv({ EMULATOR_PLAN: 'free' });
    await expectError(await postJson(env, '/v1/chat/completions', { model: '@cf/zai-org/glm-5.2', ...hi }), 403, { code: 'model_requires_paid_plan', param: 'model' });
    const list = await jsonOf(await call(env, '/v1/models?protocol=openai-chat'), 'ListModelsResponse');
    const byId = Object.fromEntries(list.data.map((m: J) => [m.id, m]));
    expect(byId['@cf/zai-org/glm-5.2'].requires_paid_plan).toBe(true);
    expect(byId['@cf/zai-org/glm-4.7-flash'].requires_paid_plan).toBe(false);
    for (const hidden of ['@cf/cloudflare/clef', '@cf/deepgram/flux', '@cf/pipecat-ai/smart-turn-v2']) expect(byId[hidden]).toBeUndefined();
    await expectError(await postJson(devEnv({ EMULATOR_PLAN: 'gold' }), '/v1/chat/completions', { model: 'gpt-4o-mini', ...hi }), 500, { code: 'proxy_misconfigured' });
  });

  it('through the proxy: the new families give spec-valid chat completions, streamed too', async () => {
    for (const model of ['@cf/zai-org/glm-4.7-flash', '@cf/google/gemma-4-26b-a4b-it', '@cf/nvidia/nemotron-3-120b-a12b']) {
      const body = await jsonOf(await postJson(devEnv(), '/v1/chat/completions', { model, ...hi }), 'CreateChatCompletionResponse');
      expect(body.choices[0].message.content).toMatch(/synthetic reply/);
      const chunks = await chatChunks(await postJson(devEnv(), '/v1/chat/completions', { model, ...hi, stream: true, stream_options: { include_usage: true } }));
      expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toMatch(/synthetic reply/);
      expect(chunks.at(-1).usage.completion_tokens).toBeGreaterThan(0);
    }
  });
});
