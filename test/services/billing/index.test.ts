import { describe, expect, it } from 'vitest';
import { costOf, parsePrice, priceOf, tilesOf, USD_PER_NEURON } from '../../../src/services/billing';
import type { CatalogModel } from '../../../src/services/upstream/types';
import PRICED from '../../fixtures/catalog/priced-models.json';
import { fakeAI, tokenStream } from '../../support/fake-ai';
import { bindingEnv, call, jsonOf, postJson, sseEvents } from '../../support/http';
import { responseEvents } from '../../support/responses-sse';

// Real catalog entries (test/fixtures/catalog/SOURCE.md): every expected cost below is computed
// from the prices these entries publish, not from retyped numbers.
const CATALOG = PRICED as unknown as CatalogModel[];
const entry = (name: string) => CATALOG.find((m) => m.name === name)!;
const rate = (name: string, unit: string): number => {
  const price = entry(name).properties.find((p) => p.property_id === 'price')!.value as { unit: string; price: number }[];
  return price.find((p) => p.unit === unit)!.price;
};
const LLAMA = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';
const GLM = '@cf/zai-org/glm-5.3-flash';
const BGE = '@cf/baai/bge-base-en-v1.5';
const tokenCost = (model: string, input: number, output: number) =>
  (input * rate(model, 'per M input tokens') + output * rate(model, 'per M output tokens')) / 1e6;
const neurons = (usd: number) => usd / USD_PER_NEURON;

const pricedEnv = (handler: Parameters<typeof fakeAI>[0]) => bindingEnv(fakeAI(handler, CATALOG));

describe('catalog prices', () => {
  it('reads every unit the recorded entries publish', () => {
    expect(priceOf(entry(LLAMA))).toEqual({ input: rate(LLAMA, 'per M input tokens'), output: rate(LLAMA, 'per M output tokens') });
    expect(priceOf(entry(GLM))).toMatchObject({ cachedInput: rate(GLM, 'per M cached input tokens') });
    expect(priceOf(entry('@cf/openai/whisper-large-v3-turbo'))).toEqual({ audioMinute: rate('@cf/openai/whisper-large-v3-turbo', 'per audio minute') });
    expect(priceOf(entry('@cf/deepgram/aura-2-en'))).toEqual({ kChars: rate('@cf/deepgram/aura-2-en', 'per 1k characters') });
    expect(priceOf(entry('@cf/leonardo/lucid-origin'))).toEqual({ tile: 0.007, step: 0.000132 });
    expect(priceOf(entry('@cf/myshell-ai/melotts'))).toBeUndefined();
  });

  it('an unknown unit or currency is no price (null cost), never a guess or 0', () => {
    expect(parsePrice([{ unit: 'per M input tokens', price: 1, currency: 'EUR' }])).toBeNull();
    expect(parsePrice([{ unit: 'per banana', price: 1, currency: 'USD' }])).toBeNull();
    expect(parsePrice([])).toBeNull();
    expect(costOf(undefined, { inputTokens: 10 })).toBeNull();
    // A priced quantity that was not measured: unknown, not free.
    expect(costOf(priceOf(entry('@cf/leonardo/lucid-origin')), { tiles: 4 })).toBeNull();
  });

  it('prices audio per minute, characters per 1,000, tiles and steps', () => {
    expect(costOf(priceOf(entry('@cf/openai/whisper-large-v3-turbo')), { audioSeconds: 90 })).toBeCloseTo(1.5 * 0.00051, 12);
    expect(costOf(priceOf(entry('@cf/deepgram/aura-2-en')), { characters: 2500 })).toBeCloseTo(2.5 * 0.03, 12);
    expect(tilesOf(1024, 1024)).toBe(4);
    expect(tilesOf(1025, 512)).toBe(3);
    expect(costOf(priceOf(entry('@cf/leonardo/lucid-origin')), { tiles: 4, steps: 20 })).toBeCloseTo(4 * 0.007 + 20 * 0.000132, 12);
  });

  it('bills cached prompt tokens at the cached rate', () => {
    const usd = costOf(priceOf(entry(GLM)), { inputTokens: 1000, cachedTokens: 600, outputTokens: 10 });
    expect(usd).toBeCloseTo((400 * rate(GLM, 'per M input tokens') + 600 * rate(GLM, 'per M cached input tokens') + 10 * rate(GLM, 'per M output tokens')) / 1e6, 12);
  });
});

describe('cost in answers', () => {
  it('a chat answer carries usage.cost = price x reported tokens, neurons and the x-request-cost header', async () => {
    const env = pricedEnv(() => ({ response: 'Hello!', usage: { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 } }));
    const res = await postJson(env, '/v1/chat/completions', { model: LLAMA, messages: [{ role: 'user', content: 'Hi' }] });
    expect(res.status).toBe(200);
    const body = await jsonOf(res, 'CreateChatCompletionResponse');
    const usd = tokenCost(LLAMA, 21, 4);
    expect(body.usage.cost).toBeCloseTo(usd, 15);
    expect(body.usage.neurons).toBeCloseTo(neurons(usd), 9);
    expect(Number(res.headers.get('x-request-cost'))).toBeCloseTo(usd, 15);
    expect(Number(res.headers.get('x-request-neurons'))).toBeCloseTo(neurons(usd), 9);
  });

  it("a stream's last (usage) chunk carries the cost; no header, which would be sent before the cost is known", async () => {
    const env = pricedEnv(() => tokenStream(['Hel', 'lo'], { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 }));
    const res = await postJson(env, '/v1/chat/completions', { model: LLAMA, messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } });
    const events = await sseEvents(res);
    const last = events.at(-2)!.json;
    expect(last.choices).toEqual([]);
    expect(last.usage.cost).toBeCloseTo(tokenCost(LLAMA, 9, 2), 15);
    expect(res.headers.get('x-request-cost')).toBeNull();
  });

  it('n choices cost every run: each one is billed its prompt', async () => {
    const env = pricedEnv(() => ({ response: 'x', usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 } }));
    const body = await jsonOf(await postJson(env, '/v1/chat/completions', { model: LLAMA, messages: [{ role: 'user', content: 'Hi' }], n: 3 }));
    expect(body.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 6 });
    expect(body.usage.cost).toBeCloseTo(3 * tokenCost(LLAMA, 10, 2), 15);
  });

  it('an embeddings answer carries usage.cost = input price x reported tokens', async () => {
    const env = pricedEnv(() => ({ shape: [1, 3], data: [[0.1, 0.2, 0.3]], usage: { prompt_tokens: 42 } }));
    const res = await postJson(env, '/v1/embeddings', { model: BGE, input: 'The quick brown fox' });
    const body = await jsonOf(res, 'CreateEmbeddingResponse');
    expect(body.usage.cost).toBeCloseTo((42 * rate(BGE, 'per M input tokens')) / 1e6, 15);
    expect(Number(res.headers.get('x-request-cost'))).toBeCloseTo(body.usage.cost, 15);
  });

  it('cached prompt tokens reported upstream are passed on and billed at the cached rate', async () => {
    const env = pricedEnv(() => ({
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1000, completion_tokens: 10, total_tokens: 1010, prompt_tokens_details: { cached_tokens: 600 } },
    }));
    const body = await jsonOf(await postJson(env, '/v1/chat/completions', { model: GLM, messages: [{ role: 'user', content: 'Hi' }] }), 'CreateChatCompletionResponse');
    expect(body.usage.prompt_tokens_details).toEqual({ cached_tokens: 600 });
    expect(body.usage.cost).toBeCloseTo((400 * rate(GLM, 'per M input tokens') + 600 * rate(GLM, 'per M cached input tokens') + 10 * rate(GLM, 'per M output tokens')) / 1e6, 15);
  });

  it('a Responses answer carries the cost in usage and stays spec-valid', async () => {
    const env = pricedEnv(() => ({ response: 'Hello!', usage: { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 } }));
    const body = await jsonOf(await postJson(env, '/v1/responses', { model: LLAMA, input: 'Hi' }), 'Response');
    expect(body.usage.cost).toBeCloseTo(tokenCost(LLAMA, 21, 4), 15);
  });

  it('a Responses stream carries the cost in response.completed', async () => {
    const env = pricedEnv(() => tokenStream(['Hi'], { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 }));
    const events = await responseEvents(await postJson(env, '/v1/responses', { model: LLAMA, input: 'Hi', stream: true }));
    const completed = events.find((e) => e.type === 'response.completed');
    expect(completed.response.usage.cost).toBeCloseTo(tokenCost(LLAMA, 5, 1), 15);
  });

  it('completions and Ollama answers carry it too', async () => {
    const env = pricedEnv(() => ({ response: 'Hello!', usage: { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 } }));
    const text = await jsonOf(await postJson(env, '/v1/completions', { model: LLAMA, prompt: 'Hi' }), 'CreateCompletionResponse');
    expect(text.usage.cost).toBeCloseTo(tokenCost(LLAMA, 21, 4), 15);
    const ollama = await jsonOf(await postJson(env, '/api/chat', { model: LLAMA, messages: [{ role: 'user', content: 'Hi' }], stream: false }));
    expect(ollama.cost).toBeCloseTo(tokenCost(LLAMA, 21, 4), 15);
    expect(ollama.neurons).toBeCloseTo(neurons(tokenCost(LLAMA, 21, 4)), 9);
  });

  it('an Ollama stream says the cost on its done line', async () => {
    const env = pricedEnv(() => tokenStream(['Hel', 'lo'], { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 }));
    const res = await postJson(env, '/api/chat', { model: LLAMA, messages: [{ role: 'user', content: 'Hi' }] });
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ done: true });
    expect(lines.at(-1).cost).toBeCloseTo(tokenCost(LLAMA, 9, 2), 15);
  });

  it('a model without a published price answers cost: null, never 0, and no header', async () => {
    const env = bindingEnv(fakeAI(() => ({ response: 'Hello!', usage: { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 } })));
    const res = await postJson(env, '/v1/chat/completions', { model: '@cf/meta/llama-3.1-8b-instruct', messages: [{ role: 'user', content: 'Hi' }] });
    const body = await jsonOf(res);
    expect(body.usage).toMatchObject({ cost: null, neurons: null });
    expect(res.headers.get('x-request-cost')).toBeNull();
  });

  it('a transcription is billed per audio minute of what was heard', async () => {
    const WHISPER = '@cf/openai/whisper-large-v3-turbo';
    const env = pricedEnv(() => ({ text: 'hello', transcription_info: { language: 'en', duration: 90 }, segments: [] }));
    const form = new FormData();
    form.append('file', new File([new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 1, 2, 3])], 'a.mp3', { type: 'audio/mpeg' }));
    form.append('model', WHISPER);
    const res = await call(env, '/v1/audio/transcriptions', { raw: form });
    const body = await jsonOf(res);
    expect(res.status).toBe(200);
    expect(body.usage.cost).toBeCloseTo(1.5 * rate(WHISPER, 'per audio minute'), 15);
  });

  it('an image priced per tile and per step is billed for the steps its schema defaults to; without a known default, null', async () => {
    const PHOENIX = '@cf/leonardo/phoenix-1.0';
    const png = () => new ReadableStream({ start: (c) => (c.enqueue(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0])), c.close()) });
    const env = { ...pricedEnv(() => png()), MAX_IMAGE_COUNT: '2' };
    const res = await postJson(env, '/v1/images/generations', { model: PHOENIX, prompt: 'a fox', size: '1024x1024', n: 2 });
    const body = await jsonOf(res);
    expect(res.status, JSON.stringify(body)).toBe(200);
    // 1024x1024 = 4 tiles of 512x512; phoenix's schema: num_steps defaults to 25.
    const one = 4 * rate(PHOENIX, 'per 512 by 512 tile') + 25 * rate(PHOENIX, 'per step');
    expect(body.cost).toBeCloseTo(2 * one, 12);
    expect(Number(res.headers.get('x-request-cost'))).toBeCloseTo(2 * one, 12);
    const lucid = await jsonOf(await postJson(pricedEnv(() => ({ image: btoa(String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0)) })), '/v1/images/generations', { model: '@cf/leonardo/lucid-origin', prompt: 'a fox', size: '1024x1024' }));
    expect(lucid).toMatchObject({ cost: null, neurons: null });
  });

  it('the header is exposed to browsers (CORS)', async () => {
    const env = pricedEnv(() => ({ response: 'Hello!', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
    const res = await postJson(env, '/v1/chat/completions', { model: LLAMA, messages: [{ role: 'user', content: 'Hi' }] }, { headers: { origin: 'https://app.example' } });
    expect(res.headers.get('access-control-expose-headers')).toMatch(/x-request-cost/);
  });
});

