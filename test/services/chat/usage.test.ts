/**
 * Usage as Workers AI reports it: cached and reasoning token counts pass through (chat, its
 * stream's usage chunk, Responses), embeddings counts come from wherever the model puts them,
 * and prompt_cache_key reaches Workers AI as its x-session-affinity routing key.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeAI, sseStream } from '../../support/fake-ai';
import { fakeCloudflareApi, REST_TOKEN, restEnv } from '../../support/fake-rest';
import { bindingEnv, jsonOf, postJson, chatChunks } from '../../support/http';
import { CATALOG_WITH_MORE } from '../../support/more-models';
import { responseEvents } from '../../support/responses-sse';

const KIMI = '@cf/moonshotai/kimi-k2.6';
const hi = [{ role: 'user', content: 'Hi' }];
const USAGE = {
  prompt_tokens: 1200,
  completion_tokens: 40,
  total_tokens: 1240,
  prompt_tokens_details: { cached_tokens: 1024 },
  completion_tokens_details: { reasoning_tokens: 25 },
};
/** kimi-k2.6's non-stream answer: an OpenAI chat.completion with usage details. */
const completion = (usage: object = USAGE) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1764547200,
  model: KIMI,
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!', reasoning_content: 'Greet back.' }, finish_reason: 'stop' }],
  usage,
});
const chunk = (delta: object, finish: string | null = null, usage?: object) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1764547200,
  model: KIMI,
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...(usage && { usage }),
});

describe('cached and reasoning tokens', () => {
  it('pass through on a chat completion', async () => {
    const body = await jsonOf(await postJson(bindingEnv(fakeAI(() => completion())), '/v1/chat/completions', { model: KIMI, messages: hi }), 'CreateChatCompletionResponse');
    expect(body.usage).toEqual({ ...USAGE, cost: null, neurons: null });
  });

  it('pass through in the stream usage chunk', async () => {
    const ai = fakeAI(() => sseStream([chunk({ role: 'assistant', content: 'Hel' }), chunk({ content: 'lo' }), chunk({}, 'stop', USAGE), '[DONE]']));
    const chunks = await chatChunks(await postJson(bindingEnv(ai), '/v1/chat/completions', { model: KIMI, messages: hi, stream: true, stream_options: { include_usage: true } }));
    expect(chunks.at(-1).choices).toEqual([]);
    expect(chunks.at(-1).usage).toEqual({ ...USAGE, cost: null, neurons: null });
  });

  it('are summed over n runs of a model without native n; the prompt (and its cache) counted once', async () => {
    // gemma-3 takes no `n`: two runs, each reporting its own usage.
    const ai = fakeAI(() => completion());
    const body = await jsonOf(await postJson(bindingEnv(ai), '/v1/chat/completions', { model: '@cf/google/gemma-3-12b-it', messages: hi, n: 2 }), 'CreateChatCompletionResponse');
    expect(ai.calls).toHaveLength(2);
    expect(body.usage).toEqual({
      prompt_tokens: 1200,
      completion_tokens: 80,
      total_tokens: 1280,
      prompt_tokens_details: { cached_tokens: 1024 },
      completion_tokens_details: { reasoning_tokens: 50 },
      cost: null, neurons: null,
    });
  });

  it('are the one call\'s for a model with native n (kimi): not summed again', async () => {
    const ai = fakeAI(() => completion());
    const body = await jsonOf(await postJson(bindingEnv(ai), '/v1/chat/completions', { model: KIMI, messages: hi, n: 2 }), 'CreateChatCompletionResponse');
    expect(ai.calls).toHaveLength(1);
    expect(body.usage).toEqual({ ...USAGE, cost: null, neurons: null });
  });

  it('are absent when the model does not report them (no invented zeros)', async () => {
    const usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 };
    const body = await jsonOf(await postJson(bindingEnv(fakeAI(() => completion(usage))), '/v1/chat/completions', { model: KIMI, messages: hi }), 'CreateChatCompletionResponse');
    expect(body.usage).toEqual({ ...usage, cost: null, neurons: null });
  });

  it('become Responses input_tokens_details / output_tokens_details, whole and streamed', async () => {
    const body = await jsonOf(await postJson(bindingEnv(fakeAI(() => completion())), '/v1/responses', { model: KIMI, input: 'Hi' }), 'Response');
    expect(body.usage).toEqual({
      input_tokens: 1200,
      input_tokens_details: { cached_tokens: 1024, cache_write_tokens: 0 },
      output_tokens: 40,
      output_tokens_details: { reasoning_tokens: 25 },
      total_tokens: 1240,
      cost: null, neurons: null,
    });
    const ai = fakeAI(() => sseStream([chunk({ role: 'assistant', content: 'Hi' }), chunk({}, 'stop', USAGE), '[DONE]']));
    const events = await responseEvents(await postJson(bindingEnv(ai), '/v1/responses', { model: KIMI, input: 'Hi', stream: true }));
    const done = events.find((e) => e.type === 'response.completed');
    expect(done.response.usage.input_tokens_details.cached_tokens).toBe(1024);
    expect(done.response.usage.output_tokens_details.reasoning_tokens).toBe(25);
  });
});

describe('embeddings token counts', () => {
  const embed = (out: object, model = '@cf/baai/bge-m3') =>
    postJson(bindingEnv(fakeAI(() => out, CATALOG_WITH_MORE)), '/v1/embeddings', { model, input: ['a', 'b'] });
  const vectors = { shape: [2, 2], data: [[0.6, 0.8], [0.8, 0.6]] };

  it("bge-m3's meta.cost_metric_value_1 is its input token count", async () => {
    const body = await jsonOf(await embed({ ...vectors, meta: { cost_metric_name_1: 'input_tokens', cost_metric_value_1: 17 } }), 'CreateEmbeddingResponse');
    expect(body.usage).toEqual({ prompt_tokens: 17, total_tokens: 17, cost: null, neurons: null });
  });

  it('usage.prompt_tokens (qwen3-embedding) and usage.total_tokens are read too', async () => {
    expect((await jsonOf(await embed({ ...vectors, usage: { prompt_tokens: 9 } }, '@cf/qwen/qwen3-embedding-0.6b'))).usage.prompt_tokens).toBe(9);
    expect((await jsonOf(await embed({ ...vectors, usage: { total_tokens: 11 } }))).usage.prompt_tokens).toBe(11);
  });

  it('a metric that is not tokens is not taken for one: the estimate is used', async () => {
    const body = await jsonOf(await embed({ ...vectors, meta: { cost_metric_name_1: 'neurons', cost_metric_value_1: 999 } }));
    expect(body.usage.prompt_tokens).toBe(2);
  });
});

describe('prompt_cache_key -> x-session-affinity', () => {
  afterEach(() => vi.restoreAllMocks());

  it('goes to the binding as extraHeaders, on chat and Responses, streamed or not', async () => {
    const ai = fakeAI(() => completion());
    await postJson(bindingEnv(ai), '/v1/chat/completions', { model: KIMI, messages: hi, prompt_cache_key: 'agent-42' });
    await postJson(bindingEnv(ai), '/v1/responses', { model: KIMI, input: 'Hi', prompt_cache_key: 'agent-43' });
    expect(ai.calls.map((c) => c.options?.extraHeaders)).toEqual([{ 'x-session-affinity': 'agent-42' }, { 'x-session-affinity': 'agent-43' }]);
    const streaming = fakeAI(() => sseStream([chunk({ content: 'x' }, 'stop'), '[DONE]']));
    await (await postJson(bindingEnv(streaming), '/v1/chat/completions', { model: KIMI, messages: hi, stream: true, prompt_cache_key: 'agent-44' })).text();
    expect(streaming.calls[0]!.options?.extraHeaders).toEqual({ 'x-session-affinity': 'agent-44' });
  });

  it('is not sent when the client sends none', async () => {
    const ai = fakeAI(() => completion());
    await postJson(bindingEnv(ai), '/v1/chat/completions', { model: KIMI, messages: hi });
    expect(ai.calls[0]!.options).not.toHaveProperty('extraHeaders');
  });

  it('is the x-session-affinity header over REST', async () => {
    const seen: (string | null)[] = [];
    const api = fakeCloudflareApi({ token: REST_TOKEN, account: 'acct1', run: () => completion() });
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const req = new Request(input, init);
      if (req.method === 'POST') seen.push(req.headers.get('x-session-affinity'));
      return api.fetch(req);
    });
    expect((await postJson(restEnv(), '/v1/chat/completions', { model: KIMI, messages: hi, prompt_cache_key: 'agent-7' })).status).toBe(200);
    expect((await postJson(restEnv(), '/v1/chat/completions', { model: KIMI, messages: hi })).status).toBe(200);
    expect(seen).toEqual(['agent-7', null]);
  });
});
