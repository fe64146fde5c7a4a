import { describe, expect, it } from 'vitest';
import { bindingError, fakeAI, UPSTREAM_ERROR_CASES } from '../../support/fake-ai';
import { bindingEnv, call, expectError, postJson } from '../../support/http';

const MODEL = '@cf/meta/llama-3.1-8b-instruct';
const base = { model: MODEL, messages: [{ role: 'user', content: 'Hi' }] };
const chat = (body: unknown, env = bindingEnv()) => postJson(env, '/v1/chat/completions', body);

describe('chat completions: bad input', () => {
  it('malformed JSON is a 400 invalid_json', async () => {
    const res = await call(bindingEnv(), '/v1/chat/completions', { method: 'POST', raw: '{"model": ', headers: { 'content-type': 'application/json' } });
    await expectError(res, 400, { code: 'invalid_json', type: 'invalid_request_error' });
  });

  it('JSON sent as text/plain (browser fetch without headers) is still parsed', async () => {
    const res = await call(bindingEnv(), '/v1/chat/completions', { method: 'POST', raw: JSON.stringify(base), headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    expect(res.status).toBe(200);
  });

  it('a multipart body is a 415', async () => {
    const form = new FormData();
    form.set('model', MODEL);
    await expectError(await call(bindingEnv(), '/v1/chat/completions', { method: 'POST', raw: form }), 415);
  });

  it.each([
    [{ messages: base.messages }, 'model', /Missing required parameter: 'model'/],
    [{ model: MODEL }, 'messages', /Missing required parameter: 'messages'/],
    [{ model: MODEL, messages: [] }, 'messages', /too short/],
    [{ model: 42, messages: base.messages }, 'model', /expected string/],
    [{ ...base, temperature: 'hot' }, 'temperature', /expected number/],
    [{ ...base, temperature: 3 }, 'temperature', /<= 2/],
    [{ ...base, max_tokens: 0 }, 'max_tokens', />= 1/],
    [{ ...base, max_tokens: 1.5 }, 'max_tokens', /expected int/],
    [{ ...base, max_tokens: 2 ** 60 }, 'max_tokens', /expected a number <= 9007199254740991/],
    [{ ...base, stream: 'yes' }, 'stream', /expected boolean/],
    [{ ...base, stop: Array.from({ length: 17 }, (_, i) => `s${i}`) }, 'stop', /at most 16 sequences/],
    [{ ...base, messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role', /Invalid value/],
    [{ ...base, messages: [{ role: 'user' }] }, 'messages[0].content', /Missing required parameter/],
    [{ ...base, messages: [{ role: 'user', content: [{ type: 'text' }] }] }, 'messages[0].content', /accepted forms/],
    [{ ...base, messages: 'hello' }, 'messages', /expected array/],
  ])('schema violation %j -> 400 with param', async (body, param, message) => {
    await expectError(await chat(body), 400, { type: 'invalid_request_error', param, message });
  });

  it('a non-object body is a 400', async () => {
    await expectError(await chat([1, 2]), 400, { type: 'invalid_request_error' });
    await expectError(await chat('just a string'), 400, { type: 'invalid_request_error' });
  });

  it('an unknown model is a 404 model_not_found naming it', async () => {
    const ai = fakeAI();
    const err = await expectError(await chat({ ...base, model: 'gpt-9' }, bindingEnv(ai)), 404, { code: 'model_not_found', param: 'model' });
    expect(err.message).toContain('gpt-9');
    expect(ai.calls).toHaveLength(0);
  });

  it.each(['__proto__', 'constructor', 'toString'])('a model named %s is an unknown model, not a crash', async (model) => {
    await expectError(await chat({ ...base, model }), 404, { code: 'model_not_found' });
  });

  it('a model of another task is a 400 naming the task', async () => {
    const err = await expectError(await chat({ ...base, model: '@cf/baai/bge-base-en-v1.5' }), 400, { code: 'model_not_supported', param: 'model' });
    expect(err.message).toMatch(/Text Embeddings/);
  });

  it.each([
    [{ tools: [{ type: 'function', function: { name: 'f' } }] }, 'tools'],
    [{ model: '@cf/mistral/mistral-7b-instruct-v0.1', response_format: { type: 'json_object' } }, 'response_format'],
    [{ logprobs: true }, 'logprobs'],
    [{ logit_bias: { '50256': -100 } }, 'logit_bias'],
    [{ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] }, 'messages[0].content'],
  ])('an unsupported mode %j is a clear 400, not silently ignored', async (extra, param) => {
    const ai = fakeAI();
    await expectError(await chat({ ...base, ...extra }, bindingEnv(ai)), 400, { code: 'unsupported_parameter', param });
    expect(ai.calls).toHaveLength(0);
  });

  it('the Worker keeps serving after bad input', async () => {
    const env = bindingEnv();
    await chat({ nope: true }, env);
    await call(env, '/v1/chat/completions', { method: 'POST', raw: '{{{', headers: { 'content-type': 'application/json' } });
    expect((await chat(base, env)).status).toBe(200);
  });
});

describe('chat completions: upstream errors', () => {
  it.each(UPSTREAM_ERROR_CASES)('binding error %i maps to HTTP %i', async (code, message, status, errorCode) => {
    const ai = fakeAI(() => {
      throw bindingError(code, message);
    });
    const err = await expectError(await chat(base, bindingEnv(ai)), status, { code: errorCode });
    if (status === 502 && errorCode === 'upstream_auth_failed') expect(err.message).toMatch(/not your API key/);
  });

  it('a failure before the stream starts is a plain HTTP error, not a stream', async () => {
    const ai = fakeAI(() => {
      throw bindingError(3040, 'Capacity temporarily exceeded');
    });
    const res = await chat({ ...base, stream: true }, bindingEnv(ai));
    await expectError(res, 429, { code: 'upstream_overloaded' });
  });
});
