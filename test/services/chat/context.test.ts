/** Context windows (max_tokens clamping, context_length_exceeded) and n > 1. */
import { describe, expect, it } from 'vitest';
import { expectSchema } from '../../openapi/validate';
import { fakeAI, tokenStream, failingStream } from '../../support/fake-ai';
import { bindingEnv, expectError, jsonOf, postJson, sseEvents } from '../../support/http';

const MISTRAL = '@cf/mistral/mistral-7b-instruct-v0.1'; // context_window 2824 in the test catalog
const MODEL = '@cf/meta/llama-3.1-8b-instruct';
const chat = (ai: ReturnType<typeof fakeAI>, body: Record<string, unknown>) =>
  postJson(bindingEnv(ai), '/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: 'Hi' }], ...body });

describe('context window', () => {
  it('clamps max_tokens to what the window leaves after the prompt', async () => {
    const ai = fakeAI();
    // 8000 characters ~ 2000 tokens, plus 4 for the message: 2824 - 2004 = 820 left.
    await chat(ai, { model: MISTRAL, messages: [{ role: 'user', content: 'x'.repeat(8000) }] });
    expect(ai.calls[0]!.inputs.max_tokens).toBe(820);
    await chat(ai, { model: MISTRAL, messages: [{ role: 'user', content: 'x'.repeat(8000) }], max_tokens: 5000 });
    expect(ai.calls[1]!.inputs.max_tokens).toBe(820);
  });

  it('leaves a limit that fits alone', async () => {
    const ai = fakeAI();
    await chat(ai, { model: MISTRAL, max_tokens: 100 });
    expect(ai.calls[0]!.inputs.max_tokens).toBe(100);
  });

  it('counts tool definitions in the prompt', async () => {
    const ai = fakeAI();
    const tools = [{ type: 'function', function: { name: 'f', description: 'd'.repeat(4000) } }];
    await chat(ai, { model: '@cf/meta/llama-3.3-70b-instruct-fp8-fast', tools, max_tokens: 30000 });
    // 24000-token window; the tool JSON is ~1000+ tokens.
    expect(ai.calls[0]!.inputs.max_tokens).toBeLessThan(24000 - 1000);
  });

  it('a prompt that alone fills the window is a 400 context_length_exceeded, before any upstream call', async () => {
    const ai = fakeAI();
    const err = await expectError(await chat(ai, { model: MISTRAL, messages: [{ role: 'user', content: 'x'.repeat(12000) }] }), 400, {
      code: 'context_length_exceeded',
      param: 'messages',
      type: 'invalid_request_error',
    });
    expect(err.message).toMatch(/maximum context length is 2824 tokens/);
    expect(ai.calls).toHaveLength(0);
  });

  it('reports finish_reason length against the clamped limit', async () => {
    const ai = fakeAI(() => ({ response: 'cut', usage: { prompt_tokens: 2004, completion_tokens: 820, total_tokens: 2824 } }));
    const body = await jsonOf(await chat(ai, { model: MISTRAL, messages: [{ role: 'user', content: 'x'.repeat(8000) }] }), 'CreateChatCompletionResponse');
    expect(body.choices[0].finish_reason).toBe('length');
  });
});

describe('n > 1', () => {
  it('runs the model n times and returns n choices; usage counts the prompt once', async () => {
    let i = 0;
    const ai = fakeAI(() => ({ response: `answer ${i++}`, usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 } }));
    const body = await jsonOf(await chat(ai, { n: 3, seed: 40 }), 'CreateChatCompletionResponse');
    expect(ai.calls).toHaveLength(3);
    expect(body.choices.map((c: any) => c.index)).toEqual([0, 1, 2]);
    expect(new Set(body.choices.map((c: any) => c.message.content)).size).toBe(3);
    expect(body.usage).toEqual({ prompt_tokens: 10, completion_tokens: 6, total_tokens: 16, cost: null, neurons: null });
    // One seed would give three identical answers: each run gets its own.
    expect(ai.calls.map((c) => c.inputs.seed)).toEqual([40, 41, 42]);
  });

  it('streams n choices interleaved, each with its role chunk and finish, one usage chunk, one [DONE]', async () => {
    let i = 0;
    const ai = fakeAI(() => {
      const k = i++;
      return tokenStream([`a${k}`, `b${k}`], { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 }, { split: 5 });
    });
    const events = await sseEvents(await chat(ai, { n: 2, stream: true, stream_options: { include_usage: true } }));
    expect(events.filter((e) => e.data === '[DONE]')).toHaveLength(1);
    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => e.json);
    for (const c of chunks) expectSchema('CreateChatCompletionStreamResponse', c);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    for (const index of [0, 1]) {
      const mine = chunks.filter((c) => c.choices[0]?.index === index);
      expect(mine[0].choices[0].delta.role).toBe('assistant');
      expect(mine.map((c) => c.choices[0].delta.content ?? '').join('')).toBe(`a${index}b${index}`);
      expect(mine.at(-1).choices[0].finish_reason).toBe('stop');
    }
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 } });
    expect(chunks.filter((c) => c.choices.length === 0)).toHaveLength(1);
  });

  it('a failure in one of the streams ends the whole stream with an error event', async () => {
    let i = 0;
    const ai = fakeAI(() => (i++ === 0 ? tokenStream(['fine']) : failingStream()));
    const events = await sseEvents(await chat(ai, { n: 2, stream: true }));
    const error = events.find((e) => e.json?.error)!.json;
    expectSchema('ErrorResponse', error);
    expect(error.error.code).toBe('upstream_overloaded');
    expect(events.at(-1)!.data).toBe('[DONE]');
  });

  it('n above 8 is a 400', async () => {
    await expectError(await chat(fakeAI(), { n: 9 }), 400, { param: 'n' });
  });
});

describe('unsupported sampling features', () => {
  it.each([
    [{ logprobs: true }, 'logprobs'],
    [{ top_logprobs: 3 }, 'top_logprobs'],
    [{ logit_bias: { '1': 5 } }, 'logit_bias'],
    [{ modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'mp3' } }, 'modalities'],
    [{ web_search_options: {} }, 'web_search_options'],
  ])('%j is a 400 unsupported_parameter, not ignored', async (extra, param) => {
    const ai = fakeAI();
    await expectError(await chat(ai, extra), 400, { code: 'unsupported_parameter', param });
    expect(ai.calls).toHaveLength(0);
  });

  it('logprobs: false, an empty logit_bias and top_logprobs: 0 are accepted', async () => {
    expect((await chat(fakeAI(), { logprobs: false, logit_bias: {}, top_logprobs: 0 })).status).toBe(200);
  });
});
