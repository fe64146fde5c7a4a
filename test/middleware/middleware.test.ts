import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeAI } from '../support/fake-ai';
import { KEY, bindingEnv, call, expectError, jsonOf, postJson } from '../support/http';

const chatBody = { model: '@cf/meta/llama-3.1-8b-instruct', messages: [{ role: 'user', content: 'Hi' }] };

describe('auth', () => {
  it('accepts any key of the comma-separated list, as Bearer or x-api-key', async () => {
    const env = bindingEnv(fakeAI(), { PROXY_API_KEY: ' k1 , k2 ' });
    expect((await call(env, '/v1/models', { headers: { authorization: 'Bearer k1' } })).status).toBe(200);
    expect((await call(env, '/v1/models', { headers: { authorization: 'bearer  k2' } })).status).toBe(200);
    expect((await call(env, '/v1/models', { anonymous: true, headers: { 'x-api-key': 'k2' } })).status).toBe(200);
  });

  it('refuses a wrong key, a missing key and a non-Bearer scheme with OpenAI-shaped 401s', async () => {
    const env = bindingEnv();
    await expectError(await call(env, '/v1/models', { headers: { authorization: 'Bearer nope' } }), 401, { code: 'invalid_api_key' });
    await expectError(await call(env, '/v1/models', { headers: { authorization: `Bearer ${KEY}x` } }), 401, { code: 'invalid_api_key' });
    await expectError(await call(env, '/v1/models', { anonymous: true }), 401, { code: 'missing_api_key' });
    await expectError(await call(env, '/v1/models', { headers: { authorization: `Basic ${KEY}` } }), 401, { code: 'missing_api_key' });
  });

  it('is secure by default: the binding transport with no key refuses to serve', async () => {
    const ai = fakeAI();
    const env = bindingEnv(ai, { PROXY_API_KEY: undefined });
    const err = await expectError(await postJson(env, '/v1/chat/completions', chatBody, { anonymous: true }), 401, {
      code: 'proxy_key_not_configured',
    });
    expect(err.message).toMatch(/PROXY_API_KEY/);
    expect(err.message).toMatch(/ALLOW_ANONYMOUS=true/);
    expect(ai.calls).toHaveLength(0);
  });

  it('the REST transport with no key refuses too', async () => {
    const env = { CLOUDFLARE_ACCOUNT_ID: 'acc', CLOUDFLARE_API_TOKEN: 'tok', LOG_REQUESTS: 'false' };
    await expectError(await call(env, '/v1/models', { anonymous: true }), 401, { code: 'proxy_key_not_configured' });
  });

  it('ALLOW_ANONYMOUS=true opens a keyless deployment explicitly', async () => {
    const env = bindingEnv(fakeAI(), { PROXY_API_KEY: undefined, ALLOW_ANONYMOUS: 'true' });
    expect((await call(env, '/v1/models', { anonymous: true })).status).toBe(200);
  });

  it('the emulator may run open when no key is configured, but checks a configured key', async () => {
    expect((await call({ LOG_REQUESTS: 'false' }, '/v1/models', { anonymous: true })).status).toBe(200);
    await expectError(await call({ LOG_REQUESTS: 'false', PROXY_API_KEY: 'k' }, '/v1/models', { anonymous: true }), 401);
  });

  it('/health is public', async () => {
    const res = await call(bindingEnv(), '/health', { anonymous: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', transport: 'binding' });
  });
});

describe('CORS', () => {
  it('answers a preflight allowing Authorization and Content-Type, without auth', async () => {
    const res = await call(bindingEnv(), '/v1/chat/completions', {
      method: 'OPTIONS',
      anonymous: true,
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase();
    expect(allowed).toContain('authorization');
    expect(allowed).toContain('content-type');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('puts CORS headers on errors, 401 included', async () => {
    const env = bindingEnv();
    const headers = { origin: 'https://app.example' };
    const unauthorized = await call(env, '/v1/models', { anonymous: true, headers });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe('*');
    const notFound = await call(env, '/v1/nope', { headers });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('access-control-allow-origin')).toBe('*');
    expect(notFound.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it('ALLOWED_ORIGINS restricts origins', async () => {
    const env = bindingEnv(fakeAI(), { ALLOWED_ORIGINS: 'https://a.example, https://b.example' });
    const ok = await call(env, '/v1/models', { headers: { origin: 'https://b.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://b.example');
    expect(ok.headers.get('vary')).toMatch(/origin/i);
    const other = await call(env, '/v1/models', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('errors and request ids', () => {
  afterEach(() => vi.restoreAllMocks());

  it('unknown routes are OpenAI-shaped 404s', async () => {
    await expectError(await call(bindingEnv(), '/v1/does-not-exist'), 404, { code: 'unknown_url', message: /GET \/v1\/does-not-exist/ });
    await expectError(await call(bindingEnv(), '/v1/chat/completions'), 404, { code: 'unknown_url' });
  });

  it('every response carries a fresh x-request-id', async () => {
    const env = bindingEnv();
    const a = await call(env, '/v1/models');
    const b = await call(env, '/v1/nope');
    const c = await call(env, '/health', { anonymous: true });
    const ids = [a, b, c].map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(3);
  });

  it('logs one structured line per request, without secrets', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const env = bindingEnv(fakeAI(), { LOG_REQUESTS: undefined });
    const res = await postJson(env, '/v1/chat/completions', { ...chatBody, model: 'gpt-4o-mini' });
    expect(res.status).toBe(200);
    expect(log).toHaveBeenCalledTimes(1);
    const line = JSON.parse(String(log.mock.calls[0]![0]));
    expect(line).toMatchObject({ level: 'info', method: 'POST', path: '/v1/chat/completions', model: 'gpt-4o-mini', status: 200 });
    expect(line.request_id).toBe(res.headers.get('x-request-id'));
    expect(typeof line.latency_ms).toBe('number');
    expect(JSON.stringify(log.mock.calls)).not.toContain(KEY);
  });

  it('a misconfigured deployment answers an OpenAI-shaped 500 naming the variable', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await call(bindingEnv(fakeAI(), { MODEL_ALIASES: '{not json' }), '/v1/models');
    const err = await expectError(res, 500, { code: 'proxy_misconfigured' });
    expect(err.message).toMatch(/MODEL_ALIASES/);
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('an unexpected failure is a generic 500 and the Worker keeps serving', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const ai = fakeAI(() => {
      throw new TypeError('boom');
    });
    const env = bindingEnv(ai);
    // A TypeError from the binding is still an upstream failure: 502, never the raw stack.
    await expectError(await postJson(env, '/v1/chat/completions', chatBody), 502, { code: 'upstream_error' });
    expect((await call(env, '/v1/models')).status).toBe(200);
  });
});

describe('body limits', () => {
  it('refuses a body over MAX_BODY_BYTES with 413 (Content-Length)', async () => {
    const env = bindingEnv(fakeAI(), { MAX_BODY_BYTES: '1000' });
    const big = { ...chatBody, messages: [{ role: 'user', content: 'x'.repeat(2000) }] };
    await expectError(await postJson(env, '/v1/chat/completions', big), 413, { code: 'request_too_large' });
  });

  it('refuses an oversized chunked body (no Content-Length) with 413', async () => {
    const env = bindingEnv(fakeAI(), { MAX_BODY_BYTES: '1000' });
    const bytes = new TextEncoder().encode(JSON.stringify({ ...chatBody, messages: [{ role: 'user', content: 'x'.repeat(5000) }] }));
    const body = new ReadableStream({
      start(c) {
        c.enqueue(bytes);
        c.close();
      },
    });
    const res = await call(env, '/v1/chat/completions', { method: 'POST', raw: body, headers: { 'content-type': 'application/json' } });
    await expectError(res, 413, { code: 'request_too_large' });
  });

  it('reads an oversized chunked body to its end before the 413 (so the connection stays usable)', async () => {
    const env = bindingEnv(fakeAI(), { MAX_BODY_BYTES: '1000' });
    const piece = new Uint8Array(4096).fill(0x20);
    let sent = 0;
    let finished = false;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent === 50) {
          finished = true;
          return c.close();
        }
        sent++;
        c.enqueue(piece);
      },
    });
    const res = await call(env, '/v1/chat/completions', { method: 'POST', raw: body, headers: { 'content-type': 'application/json' } });
    await expectError(res, 413, { code: 'request_too_large' });
    expect(finished).toBe(true);
  });

  it('accepts a body just under the limit', async () => {
    const env = bindingEnv(fakeAI(), { MAX_BODY_BYTES: '1000' });
    const res = await postJson(env, '/v1/chat/completions', { ...chatBody, messages: [{ role: 'user', content: 'x'.repeat(800) }] });
    expect(res.status).toBe(200);
  });
});

describe('models through the JSON helper', () => {
  it('GET /v1/models works for an authorised client', async () => {
    const body = await jsonOf(await call(bindingEnv(), '/v1/models'), 'ListModelsResponse');
    expect(body.object).toBe('list');
  });
});

describe('request validation (middleware/validate.ts)', () => {
  it('a JSON body that does not parse is a 400 invalid_json', async () => {
    const res = await call(bindingEnv(), '/v1/chat/completions', { method: 'POST', raw: '{"model": ', headers: { 'content-type': 'application/json; charset=utf-8' } });
    await expectError(res, 400, { code: 'invalid_json' });
  });

  it('a body whose media type only starts like JSON (application/json-seq) is validated as {}, as hono/validator does', async () => {
    const ai = fakeAI();
    const res = await call(bindingEnv(ai), '/v1/chat/completions', { method: 'POST', raw: JSON.stringify(chatBody), headers: { 'content-type': 'application/json-seq' } });
    const err = await expectError(res, 400, { code: 'invalid_value' });
    expect(err.message).toMatch(/^Missing required parameter/);
    expect(ai.calls).toHaveLength(0);
  });

  it('a +json media type is JSON', async () => {
    const res = await call(bindingEnv(), '/v1/chat/completions', { method: 'POST', raw: JSON.stringify(chatBody), headers: { 'content-type': 'application/vnd.api+json' } });
    expect(res.status).toBe(200);
  });

  it('a query parameter given twice is an array, which a single-valued parameter refuses', async () => {
    expect((await call(bindingEnv(), '/v1/models?protocol=openai-chat')).status).toBe(200);
    await expectError(await call(bindingEnv(), '/v1/models?protocol=openai-chat&protocol=openai-chat'), 400, { code: 'invalid_value', param: 'protocol' });
  });
});
