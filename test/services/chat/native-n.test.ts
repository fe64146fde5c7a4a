/**
 * Native `n`: a model whose input schema (or, on the binding, whose family) takes `n` is called
 * once with it and its `choices[]` mapped back, whole and streamed (chunks carry choices[].index),
 * with one usage and one cost; models without it are still run n times.
 */
import { describe, expect, it } from 'vitest';
import type { CatalogModel } from '../../../src/services/upstream/types';
import PRICED from '../../fixtures/catalog/priced-models.json';
import { fakeAI, sseStream } from '../../support/fake-ai';
import { bindingEnv, expectError, jsonOf, postJson, sseEvents, chatChunks } from '../../support/http';

const KIMI = '@cf/moonshotai/kimi-k2.6';
const LLAMA = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';
const GLM = '@cf/zai-org/glm-5.3-flash';
const hi = [{ role: 'user', content: 'Hi' }];
const USAGE = { prompt_tokens: 30, completion_tokens: 9, total_tokens: 39, prompt_tokens_details: { cached_tokens: 16 }, completion_tokens_details: { reasoning_tokens: 3 } };
const lp = (token: string) => ({ content: [{ token, logprob: -0.5, bytes: null, top_logprobs: [] }], refusal: null });

/** An OpenAI-shaped answer with three choices, listed out of index order as nothing promises otherwise. */
const threeChoices = () => ({
  id: 'chatcmpl-n',
  object: 'chat.completion',
  created: 1764547200,
  model: KIMI,
  choices: [
    { index: 2, message: { role: 'assistant', content: 'Hey' }, logprobs: lp('Hey'), finish_reason: 'stop' },
    { index: 0, message: { role: 'assistant', content: 'Hello', reasoning_content: 'Greet.' }, logprobs: lp('Hello'), finish_reason: 'stop' },
    { index: 1, message: { role: 'assistant', content: 'Hi there, how' }, logprobs: lp('Hi'), finish_reason: 'length' },
  ],
  usage: USAGE,
});
const chunk = (index: number, delta: object, finish: string | null = null) => ({
  id: 'chatcmpl-n',
  object: 'chat.completion.chunk',
  created: 1764547200,
  model: KIMI,
  choices: [{ index, delta, logprobs: null, finish_reason: finish }],
});

async function streamOf(res: Response) {
  expect(res.status).toBe(200);
  const chunks = await chatChunks(res);
  const content: string[] = [];
  const finish: string[] = [];
  for (const c of chunks) {
    for (const ch of c.choices) {
      content[ch.index] = (content[ch.index] ?? '') + (ch.delta.content ?? '');
      if (ch.finish_reason) finish[ch.index] = ch.finish_reason;
    }
  }
  return { chunks, content, finish, usageChunks: chunks.filter((c) => c.usage) };
}

describe('native n (the model answers n choices in one call)', () => {
  it('sends n once and maps choices[] back in index order, with logprobs and finish reasons; usage once', async () => {
    const ai = fakeAI(() => threeChoices());
    const body = await jsonOf(await postJson(bindingEnv(ai), '/v1/chat/completions', { model: KIMI, messages: hi, n: 3, logprobs: true, max_tokens: 4 }), 'CreateChatCompletionResponse');
    expect(ai.calls).toHaveLength(1);
    expect(ai.calls[0]!.inputs).toMatchObject({ n: 3, logprobs: true });
    expect(body.choices.map((c: any) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, 'Hello', 'stop'],
      [1, 'Hi there, how', 'length'],
      [2, 'Hey', 'stop'],
    ]);
    expect(body.choices[0].message.reasoning_content).toBe('Greet.');
    expect(body.choices.map((c: any) => c.logprobs.content[0].token)).toEqual(['Hello', 'Hi', 'Hey']);
    // 9 completion tokens for all three are not one choice running into max_tokens 4.
    expect(body.usage).toEqual({ ...USAGE, cost: null, neurons: null });
  });

  it('streams: chunks carry choices[].index, each choice is finished, one usage chunk at the end', async () => {
    const ai = fakeAI(() =>
      sseStream(
        [
          chunk(0, { role: 'assistant', content: '' }),
          chunk(1, { role: 'assistant', content: '' }),
          chunk(0, { reasoning_content: 'Greet.' }),
          chunk(1, { content: 'Hi ' }),
          chunk(0, { content: 'Hello' }),
          chunk(1, { content: 'there' }),
          // Both choices in one chunk, as a batched server may send them.
          { ...chunk(0, {}, 'stop'), choices: [chunk(0, {}, 'stop').choices[0], chunk(1, {}, 'stop').choices[0]] },
          { ...chunk(0, {}), choices: [], usage: USAGE },
          '[DONE]',
        ],
        { split: 7 },
      ),
    );
    const s = await streamOf(await postJson(bindingEnv(ai), '/v1/chat/completions', { model: KIMI, messages: hi, n: 2, stream: true, stream_options: { include_usage: true } }));
    expect(ai.calls).toHaveLength(1);
    expect(ai.calls[0]!.inputs).toMatchObject({ n: 2, stream: true });
    expect(s.content).toEqual(['Hello', 'Hi there']);
    expect(s.finish).toEqual(['stop', 'stop']);
    expect(s.usageChunks).toHaveLength(1);
    expect(s.chunks.at(-1).usage).toEqual({ ...USAGE, cost: null, neurons: null });
    expect(s.chunks.at(-1).choices).toEqual([]);
  });

  it('a native-n stream cut before one choice finished ends in the truncation error event', async () => {
    const ai = fakeAI(() => sseStream([chunk(0, { content: 'Hel' }), chunk(1, { content: 'Hi' }), chunk(0, { content: 'lo' }, 'stop')]));
    const events = await sseEvents(await postJson(bindingEnv(ai), '/v1/chat/completions', { model: KIMI, messages: hi, n: 2, stream: true }));
    expect(events.at(-1)!.data).toBe('[DONE]');
    expect(events.find((e) => e.json?.error)!.json.error.code).toBe('upstream_stream_truncated');
  });

  it('n up to 128 goes to a model that takes it; a model without it is run n times, at most 8', async () => {
    const kimi = fakeAI(() => threeChoices());
    expect((await postJson(bindingEnv(kimi), '/v1/chat/completions', { model: KIMI, messages: hi, n: 20 })).status).toBe(200);
    expect(kimi.calls.map((c) => c.inputs.n)).toEqual([20]);

    const llama = fakeAI(() => ({ response: 'Hello!', usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }));
    const body = await jsonOf(await postJson(bindingEnv(llama), '/v1/chat/completions', { model: LLAMA, messages: hi, n: 2, seed: 5 }), 'CreateChatCompletionResponse');
    expect(llama.calls.map((c) => [c.inputs.n, c.inputs.seed])).toEqual([[undefined, 5], [undefined, 6]]);
    expect(body.choices).toHaveLength(2);
    expect(body.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 4 });
    await expectError(await postJson(bindingEnv(llama), '/v1/chat/completions', { model: LLAMA, messages: hi, n: 9 }), 400, { param: 'n', message: /at most 8/ });
    await expectError(await postJson(bindingEnv(kimi), '/v1/chat/completions', { model: KIMI, messages: hi, n: 129 }), 400, { param: 'n' });
  });

  it('costs once: the price of the one call, not n calls', async () => {
    const catalog = PRICED as unknown as CatalogModel[];
    const price = catalog.find((m) => m.name === GLM)!.properties.find((p) => p.property_id === 'price')!.value as { unit: string; price: number }[];
    const rate = (unit: string) => price.find((p) => p.unit === unit)!.price;
    const usage = { prompt_tokens: 1000, completion_tokens: 90, total_tokens: 1090 };
    const ai = fakeAI(() => ({ ...threeChoices(), model: GLM, usage }), catalog);
    const res = await postJson(bindingEnv(ai), '/v1/chat/completions', { model: GLM, messages: hi, n: 3 });
    const body = await jsonOf(res, 'CreateChatCompletionResponse');
    const usd = (1000 * rate('per M input tokens') + 90 * rate('per M output tokens')) / 1e6;
    expect(body.usage.cost).toBeCloseTo(usd, 15);
    expect(Number(res.headers.get('x-request-cost'))).toBeCloseTo(usd, 15);
  });
});

describe('native n on the emulator (schemas that take n)', () => {
  const env = { LOG_REQUESTS: 'false' } as import('../../../src/env').Env;
  const model = '@cf/zai-org/glm-4.7-flash';

  it('answers n different choices, whole and streamed, the prompt counted once', async () => {
    const one = await jsonOf(await postJson(env, '/v1/chat/completions', { model, messages: hi, seed: 3 }), 'CreateChatCompletionResponse');
    const body = await jsonOf(await postJson(env, '/v1/chat/completions', { model, messages: hi, n: 3, seed: 3 }), 'CreateChatCompletionResponse');
    expect(body.choices.map((c: any) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(body.choices.map((c: any) => c.message.content)).size).toBe(3);
    expect(body.choices[0].message.content).toBe(one.choices[0].message.content);
    expect(body.usage.prompt_tokens).toBe(one.usage.prompt_tokens);

    const s = await streamOf(await postJson(env, '/v1/chat/completions', { model, messages: hi, n: 3, seed: 3, stream: true, stream_options: { include_usage: true } }));
    expect(s.content).toEqual(body.choices.map((c: any) => c.message.content));
    expect(s.finish).toEqual(['stop', 'stop', 'stop']);
    expect(s.usageChunks).toHaveLength(1);
    expect(s.usageChunks[0].usage.prompt_tokens).toBe(body.usage.prompt_tokens);
    expect(s.usageChunks[0].usage.completion_tokens).toBe(body.usage.completion_tokens);
  });
});
