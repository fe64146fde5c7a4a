import { describe, expect, it } from 'vitest';
import { bindingError, fakeAI, UPSTREAM_ERROR_CASES } from '../../support/fake-ai';
import { bindingEnv, call, expectError, jsonOf, postJson } from '../../support/http';
import { CATALOG_WITH_MORE } from '../../support/more-models';

const MODEL = '@cf/baai/bge-base-en-v1.5';
const answer = (_m: string, inputs: Record<string, any>) => ({ shape: [inputs.text.length, 2], data: inputs.text.map(() => [0.6, 0.8]) });
const env = (handler: (m: string, i: Record<string, any>) => unknown = answer) => {
  const ai = fakeAI(handler, CATALOG_WITH_MORE);
  return { ai, env: bindingEnv(ai) };
};
const embed = (body: unknown, e = env().env) => postJson(e, '/v1/embeddings', body);

describe('embeddings: bad input', () => {
  it('malformed JSON is a 400 invalid_json', async () => {
    const res = await call(env().env, '/v1/embeddings', { method: 'POST', raw: '{"model": ', headers: { 'content-type': 'application/json' } });
    await expectError(res, 400, { code: 'invalid_json', type: 'invalid_request_error' });
  });

  it('a multipart body is a 415', async () => {
    const form = new FormData();
    form.set('model', MODEL);
    await expectError(await call(env().env, '/v1/embeddings', { method: 'POST', raw: form }), 415, { code: 'unsupported_media_type' });
  });

  it('a body over MAX_BODY_BYTES is a 413', async () => {
    const e = bindingEnv(fakeAI(answer, CATALOG_WITH_MORE), { MAX_BODY_BYTES: '1000' });
    await expectError(await embed({ model: MODEL, input: 'x'.repeat(2000) }, e), 413, { code: 'request_too_large' });
  });

  it.each([
    [{ input: 'x' }, 'model', /Missing required parameter: 'model'/],
    [{ model: MODEL }, 'input', /Missing required parameter: 'input'/],
    [{ model: '', input: 'x' }, 'model', /too short/],
    [{ model: 7, input: 'x' }, 'model', /expected string/],
    [{ model: MODEL, input: 42 }, 'input', /accepted forms/],
    [{ model: MODEL, input: [{ text: 'x' }] }, 'input', /accepted forms/],
    [{ model: MODEL, input: 'x', encoding_format: 'hex' }, 'encoding_format', /"float", "base64"/],
    [{ model: MODEL, input: 'x', dimensions: 0 }, 'dimensions', />= 1/],
    [{ model: MODEL, input: 'x', dimensions: 1.5 }, 'dimensions', /expected int/],
    [{ model: MODEL, input: 'x', dimensions: '256' }, 'dimensions', /expected number/],
  ])('schema violation %j -> 400 with param', async (body, param, message) => {
    await expectError(await embed(body), 400, { type: 'invalid_request_error', code: 'invalid_value', param, message });
  });

  it.each([
    [''],
    [[]],
    [['ok', '']],
  ])('empty input %j is a 400 naming the item', async (input) => {
    const { ai, env: e } = env();
    const param = Array.isArray(input) && input.length ? 'input[1]' : 'input';
    await expectError(await embed({ model: MODEL, input }, e), 400, { code: 'invalid_value', param, message: /empty/ });
    expect(ai.calls).toHaveLength(0);
  });

  it('more than 2048 inputs is a 400', async () => {
    const input = Array.from({ length: 2049 }, () => 'x');
    await expectError(await embed({ model: MODEL, input }), 400, { code: 'invalid_value', param: 'input', message: /2049 items; at most 2048/ });
  });

  it.each([
    [[1212, 318, 257]],
    [[[1212, 318], [257]]],
    [['text', 5]],
  ])('token arrays %j are refused with a 400 that says why', async (input) => {
    const { ai, env: e } = env();
    await expectError(await embed({ model: MODEL, input }, e), 400, {
      code: 'unsupported_parameter',
      param: 'input',
      message: /Token arrays are not supported.*string or an array of strings/,
    });
    expect(ai.calls).toHaveLength(0);
  });

  it('dimensions on a model without Matryoshka training is a 400 naming the models that have it', async () => {
    const { ai, env: e } = env();
    const err = await expectError(await embed({ model: MODEL, input: 'x', dimensions: 256 }, e), 400, { code: 'unsupported_parameter', param: 'dimensions' });
    expect(err.message).toMatch(/always have 768/);
    expect(err.message).toMatch(/embeddinggemma-300m \(128-768\)/);
    expect(ai.calls).toHaveLength(0);
  });

  it.each([
    ['@cf/google/embeddinggemma-300m', 64, /from 128 to 768; got 64/],
    ['@cf/google/embeddinggemma-300m', 1024, /from 128 to 768; got 1024/],
    ['@cf/qwen/qwen3-embedding-0.6b', 16, /from 32 to 1024; got 16/],
  ])('dimensions out of range for %s (%i) is a 400', async (model, dimensions, message) => {
    await expectError(await embed({ model, input: 'x', dimensions }), 400, { code: 'invalid_value', param: 'dimensions', message });
  });

  it('an unknown model is a 404 model_not_found', async () => {
    await expectError(await embed({ model: 'text-embedding-9', input: 'x' }), 404, { code: 'model_not_found', param: 'model' });
  });

  it('a chat model is a 400 naming its task', async () => {
    const err = await expectError(await embed({ model: 'gpt-4o-mini', input: 'x' }), 400, { code: 'model_not_supported', param: 'model' });
    expect(err.message).toMatch(/Text Generation model and cannot be used with \/v1\/embeddings/);
  });
});

describe('embeddings: upstream failures', () => {
  it.each(UPSTREAM_ERROR_CASES)('Workers AI error %i (%s) maps to %i %s', async (code, message, status, expected) => {
    const { env: e } = env(() => {
      throw bindingError(code, message);
    });
    await expectError(await embed({ model: MODEL, input: 'x' }, e), status, { code: expected });
  });

  it('a failing sub-batch fails the request and no further sub-batch is started', async () => {
    const input = Array.from({ length: 1000 }, (_, i) => `t${i}`);
    const { ai, env: e } = env(async (m, inputs) => {
      if (inputs.text[0] === 't100') throw bindingError(3040, 'Capacity temporarily exceeded');
      await new Promise((r) => setTimeout(r, 5));
      return answer(m, inputs);
    });
    await expectError(await embed({ model: MODEL, input }, e), 429, { code: 'upstream_overloaded' });
    // 10 sub-batches of 100; 4 were started before the second one failed.
    expect(ai.calls.length).toBeLessThan(10);
  });

  it.each([
    ['an async-queue answer', { request_id: 'abc' }, /async-queue request id/],
    ['too few vectors', { shape: [1, 2], data: [[0.6, 0.8]] }, /1 embeddings for 2 input/],
    ['no data', { shape: [2, 2] }, /no embeddings for 2 input/],
    ['a non-array vector', { shape: [2, 2], data: [[0.6, 0.8], 'x'] }, /malformed embedding vector/],
    ['a non-object answer', 'oops', /no embeddings/],
  ])('%s is a 502, not a crash', async (_what, out, message) => {
    const { env: e } = env(() => out);
    await expectError(await embed({ model: MODEL, input: ['a', 'b'] }, e), 502, { code: 'upstream_error', type: 'server_error', message });
  });

  it('vectors shorter than the requested dimensions are a 502', async () => {
    const { env: e } = env(() => ({ shape: [1, 100], data: [Array(100).fill(0.1)] }));
    await expectError(await embed({ model: '@cf/google/embeddinggemma-300m', input: 'a', dimensions: 256 }, e), 502, { code: 'upstream_error' });
  });

  it('the Worker keeps serving after bad input and upstream failures', async () => {
    let fail = true;
    const { env: e } = env((m, i) => {
      if (fail) throw bindingError(3040, 'Capacity temporarily exceeded');
      return answer(m, i);
    });
    await embed({ model: MODEL, input: [1, 2] }, e);
    await call(e, '/v1/embeddings', { method: 'POST', raw: '{{{', headers: { 'content-type': 'application/json' } });
    await embed({ model: MODEL, input: 'x' }, e);
    fail = false;
    const body = await jsonOf(await embed({ model: MODEL, input: 'x' }, e), 'CreateEmbeddingResponse');
    expect(body.data[0].embedding).toEqual([0.6, 0.8]);
  });
});
