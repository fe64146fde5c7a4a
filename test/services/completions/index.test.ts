/** POST /v1/completions (legacy text completions). */
import { describe, expect, it } from 'vitest';
import { expectSchema } from '../../openapi/validate';
import { bindingError, fakeAI, tokenStream, failingStream } from '../../support/fake-ai';
import { bindingEnv, call, expectError, jsonOf, postJson, sseEvents } from '../../support/http';

const MODEL = '@cf/meta/llama-3.1-8b-instruct';
const USAGE = { prompt_tokens: 6, completion_tokens: 3, total_tokens: 9 };
const complete = (ai: ReturnType<typeof fakeAI>, body: Record<string, unknown>) =>
  postJson(bindingEnv(ai), '/v1/completions', { model: MODEL, prompt: 'Say hi', ...body });

/**
 * Stream chunks checked against CreateCompletionResponse. The spec's finish_reason enum has no
 * null, but OpenAI's own streams send null until the last chunk (as this proxy does), so null is
 * checked separately and validated as if it were set.
 */
async function streamed(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  const events = await sseEvents(res);
  expect(events.at(-1)!.data).toBe('[DONE]');
  const chunks = events.slice(0, -1).map((e) => e.json);
  for (const c of chunks) {
    for (const choice of c.choices) expect(choice.finish_reason === null || ['stop', 'length'].includes(choice.finish_reason)).toBe(true);
    expectSchema('CreateCompletionResponse', { ...c, choices: c.choices.map((ch: any) => ({ ...ch, finish_reason: ch.finish_reason ?? 'stop' })) });
  }
  return chunks;
}

describe('POST /v1/completions', () => {
  it('returns a spec-valid text_completion; the prompt is sent raw (a continuation) to a model that takes `raw`', async () => {
    const ai = fakeAI(() => ({ response: 'Hi there!', usage: USAGE }));
    const res = await complete(ai, { max_tokens: 20, temperature: 0.2, top_p: 0.5, seed: 9, presence_penalty: 0.1, frequency_penalty: 0.2, user: 'u' });
    const body = await jsonOf(res, 'CreateCompletionResponse');
    expect(body).toMatchObject({ object: 'text_completion', model: MODEL, choices: [{ text: 'Hi there!', index: 0, logprobs: null, finish_reason: 'stop' }], usage: USAGE });
    expect(body.id).toMatch(/^cmpl-[0-9a-f]{32}$/);
    expect(ai.calls[0]!.inputs).toEqual({
      prompt: 'Say hi',
      raw: true,
      max_tokens: 20,
      temperature: 0.2,
      top_p: 0.5,
      seed: 9,
      frequency_penalty: 0.2,
      presence_penalty: 0.1,
    });
  });

  it('answers a prompt array with one choice per prompt, in order', async () => {
    const ai = fakeAI((_m, inputs) => ({ response: `re: ${inputs.prompt}`, usage: USAGE }));
    const body = await jsonOf(await complete(ai, { prompt: ['one', 'two'] }), 'CreateCompletionResponse');
    expect(body.choices.map((c: any) => [c.index, c.text])).toEqual([
      [0, 're: one'],
      [1, 're: two'],
    ]);
    expect(body.usage).toEqual({ prompt_tokens: 12, completion_tokens: 6, total_tokens: 18, cost: null, neurons: null });
  });

  it('n choices per prompt are indexed prompt by prompt', async () => {
    let i = 0;
    const ai = fakeAI((_m, inputs) => ({ response: `${inputs.prompt}-${i++}` }));
    const body = await jsonOf(await complete(ai, { prompt: ['a', 'b'], n: 2 }), 'CreateCompletionResponse');
    expect(body.choices.map((c: any) => c.text.split('-')[0])).toEqual(['a', 'a', 'b', 'b']);
    expect(body.choices.map((c: any) => c.index)).toEqual([0, 1, 2, 3]);
  });

  it('echo puts the prompt before the completion', async () => {
    const ai = fakeAI(() => ({ response: ' world' }));
    const body = await jsonOf(await complete(ai, { prompt: 'Hello', echo: true }), 'CreateCompletionResponse');
    expect(body.choices[0].text).toBe('Hello world');
  });

  it('applies stop sequences and reports length', async () => {
    const ai = fakeAI(() => ({ response: 'a b STOP c', usage: { prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 } }));
    const body = await jsonOf(await complete(ai, { stop: ['STOP'] }), 'CreateCompletionResponse');
    expect(body.choices[0]).toMatchObject({ text: 'a b ', finish_reason: 'stop' });
    const cut = fakeAI(() => ({ response: 'a b c d', usage: { prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 } }));
    expect((await jsonOf(await complete(cut, { max_tokens: 4 }))).choices[0].finish_reason).toBe('length');
  });

  it('keeps a reasoning model thinking out of the text', async () => {
    const ai = fakeAI(() => ({ response: 'Hmm.</think>\n\nHi!' }));
    const body = await jsonOf(await complete(ai, { model: '@cf/deepseek-ai/deepseek-r1-distill-qwen-32b' }), 'CreateCompletionResponse');
    expect(body.choices[0].text).toBe('Hi!');
  });

  it('works with gpt-oss (Responses input)', async () => {
    const ai = fakeAI(() => ({ object: 'response', status: 'completed', output: [{ type: 'message', content: [{ type: 'output_text', text: 'Hey' }] }] }));
    const body = await jsonOf(await complete(ai, { model: '@cf/openai/gpt-oss-120b' }), 'CreateCompletionResponse');
    expect(body.choices[0].text).toBe('Hey');
    expect(ai.calls[0]!.inputs.input).toEqual([{ type: 'message', role: 'user', content: 'Say hi' }]);
  });

  it('answers on the root path too', async () => {
    expect((await postJson(bindingEnv(), '/completions', { model: MODEL, prompt: 'x' })).status).toBe(200);
  });
});

describe('POST /v1/completions (stream)', () => {
  it('streams text_completion chunks, then a finish chunk and [DONE]', async () => {
    const ai = fakeAI(() => tokenStream(['Hel', 'lo'], USAGE, { split: 6 }));
    const chunks = await streamed(await complete(ai, { stream: true }));
    expect(chunks.map((c) => c.choices[0].text).join('')).toBe('Hello');
    expect(chunks.every((c) => c.object === 'text_completion' && c.model === MODEL)).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.slice(0, -1).every((c) => c.choices[0].finish_reason === null)).toBe(true);
    expect(chunks.at(-1).choices[0]).toEqual({ text: '', index: 0, logprobs: null, finish_reason: 'stop' });
    expect(ai.calls[0]!.inputs.stream).toBe(true);
  });

  it('include_usage adds a usage chunk with empty choices', async () => {
    const ai = fakeAI(() => tokenStream(['x'], USAGE));
    const chunks = await streamed(await complete(ai, { stream: true, stream_options: { include_usage: true } }));
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: USAGE });
  });

  it('echo sends the prompt first; several prompts stream as interleaved choices', async () => {
    const ai = fakeAI((_m, inputs) => tokenStream([` <${inputs.prompt}>`]));
    const chunks = await streamed(await complete(ai, { stream: true, echo: true, prompt: ['p0', 'p1'] }));
    for (const index of [0, 1]) {
      const mine = chunks.filter((c) => c.choices[0]?.index === index);
      expect(mine.map((c) => c.choices[0].text).join('')).toBe(`p${index} <p${index}>`);
      expect(mine.at(-1).choices[0].finish_reason).toBe('stop');
    }
  });

  it('a reasoning model streams only the answer', async () => {
    const ai = fakeAI(() => tokenStream(['Think', 'ing</th', 'ink>', 'Answer']));
    const chunks = await streamed(await complete(ai, { stream: true, model: '@cf/deepseek-ai/deepseek-r1-distill-qwen-32b' }));
    expect(chunks.map((c) => c.choices[0]?.text ?? '').join('')).toBe('Answer');
  });

  it('a mid-stream failure is an error event, then [DONE]', async () => {
    const ai = fakeAI(() => failingStream());
    const events = await sseEvents(await complete(ai, { stream: true }));
    const error = events.find((e) => e.json?.error)!.json;
    expectSchema('ErrorResponse', error);
    expect(events.at(-1)!.data).toBe('[DONE]');
  });
});

describe('POST /v1/completions: bad input', () => {
  it('malformed JSON is a 400 invalid_json', async () => {
    const res = await call(bindingEnv(), '/v1/completions', { method: 'POST', raw: '{"model":', headers: { 'content-type': 'application/json' } });
    await expectError(res, 400, { code: 'invalid_json' });
  });

  it.each([
    [{ prompt: 'x' }, 'model', /Missing required parameter/],
    [{ model: MODEL }, 'prompt', /Missing required parameter/],
    [{ model: MODEL, prompt: 42 }, 'prompt', /accepted forms/],
    [{ model: MODEL, prompt: [] }, 'prompt', /accepted forms/],
    [{ model: MODEL, prompt: 'x', max_tokens: 0 }, 'max_tokens', />= 1/],
    [{ model: MODEL, prompt: 'x', temperature: 9 }, 'temperature', /<= 2/],
    [{ model: MODEL, prompt: 'x', n: 0 }, 'n', />= 1/],
    [{ model: MODEL, prompt: 'x', echo: 'yes' }, 'echo', /boolean/],
  ])('schema violation %j is a 400 naming the field', async (body, param, message) => {
    await expectError(await postJson(bindingEnv(), '/v1/completions', body), 400, { type: 'invalid_request_error', param, message });
  });

  it.each([
    [{ suffix: 'end' }, 'suffix', /fill-in-the-middle/],
    [{ logprobs: 2 }, 'logprobs', /logprobs/],
    [{ logit_bias: { '1': 1 } }, 'logit_bias', /logit_bias/],
    [{ best_of: 3 }, 'best_of', /best_of/],
    [{ prompt: [1, 2, 3] }, 'prompt', /Token-id prompts/],
    [{ prompt: [[1, 2]] }, 'prompt', /Token-id prompts/],
  ])('unsupported %j is a clear 400', async (extra, param, message) => {
    const ai = fakeAI();
    await expectError(await complete(ai, extra), 400, { code: 'unsupported_parameter', param, message });
    expect(ai.calls).toHaveLength(0);
  });

  it('best_of equal to n and an empty suffix are fine', async () => {
    expect((await complete(fakeAI(), { best_of: 2, n: 2, suffix: '' })).status).toBe(200);
  });

  it('an empty prompt, and too many completions at once, are 400s', async () => {
    await expectError(await complete(fakeAI(), { prompt: '  ' }), 400, { param: 'prompt', code: 'invalid_value' });
    await expectError(await complete(fakeAI(), { prompt: ['ok', ''] }), 400, { param: 'prompt[1]' });
    await expectError(await complete(fakeAI(), { prompt: Array.from({ length: 9 }, (_, i) => `p${i}`), n: 2 }), 400, { param: 'prompt', message: /At most 16/ });
  });

  it('unknown and non-chat models are refused', async () => {
    await expectError(await complete(fakeAI(), { model: 'nope-model' }), 404, { code: 'model_not_found' });
    await expectError(await complete(fakeAI(), { model: '@cf/baai/bge-base-en-v1.5' }), 400, { code: 'model_not_supported', message: /\/v1\/chat\/completions/ });
  });

  it('a prompt longer than the context window is a 400 context_length_exceeded on prompt', async () => {
    const err = await expectError(await complete(fakeAI(), { model: '@cf/mistral/mistral-7b-instruct-v0.1', prompt: 'x'.repeat(12000) }), 400, {
      code: 'context_length_exceeded',
      param: 'prompt',
    });
    expect(err.message).toMatch(/your prompt resulted in/);
  });

  it('upstream errors map to OpenAI errors', async () => {
    const ai = fakeAI(() => {
      throw bindingError(3040, 'Capacity temporarily exceeded');
    });
    await expectError(await complete(ai, {}), 429, { code: 'upstream_overloaded' });
    await expectError(await complete(ai, { stream: true }), 429, { code: 'upstream_overloaded' });
  });

  it('the Worker keeps serving after bad input', async () => {
    const env = bindingEnv();
    await postJson(env, '/v1/completions', { model: MODEL, prompt: [1] });
    await call(env, '/v1/completions', { method: 'POST', raw: '{', headers: { 'content-type': 'application/json' } });
    expect((await postJson(env, '/v1/completions', { model: MODEL, prompt: 'x' })).status).toBe(200);
  });
});
