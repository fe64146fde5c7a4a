import { env as poolEnv } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeAI, tokenStream } from './support/fake-ai';
import { fakeCloudflareApi } from './support/fake-rest';
import { bindingEnv, call, expectError, postJson } from './support/http';

const chatBody = { model: '@cf/meta/llama-3.1-8b-instruct', messages: [{ role: 'user', content: 'Hi' }] };

describe('rate limiting (Rate Limiting binding, limit 3 per 60 s in the test pool)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('answers 429 with Retry-After and the OpenAI error shape once a key is over its limit', async () => {
    const key = `rl-${crypto.randomUUID()}`;
    const env = bindingEnv(fakeAI(), { PROXY_API_KEY: key, RATE_LIMITER: poolEnv.RATE_LIMITER });
    const headers = { authorization: `Bearer ${key}` };
    for (let i = 0; i < 3; i++) expect((await call(env, '/v1/models', { headers })).status).toBe(200);
    const limited = await call(env, '/v1/models', { headers: { ...headers, origin: 'https://app.example' } });
    expect(limited.headers.get('retry-after')).toBe('60');
    expect(limited.headers.get('access-control-allow-origin')).toBe('*');
    await expectError(limited, 429, { code: 'rate_limit_exceeded', type: 'rate_limit_error' });
  });

  it('counts each API key separately', async () => {
    const [a, b] = [`rl-a-${crypto.randomUUID()}`, `rl-b-${crypto.randomUUID()}`];
    const env = bindingEnv(fakeAI(), { PROXY_API_KEY: `${a},${b}`, RATE_LIMITER: poolEnv.RATE_LIMITER });
    for (let i = 0; i < 3; i++) await call(env, '/v1/models', { headers: { authorization: `Bearer ${a}` } });
    expect((await call(env, '/v1/models', { headers: { authorization: `Bearer ${a}` } })).status).toBe(429);
    expect((await call(env, '/v1/models', { headers: { authorization: `Bearer ${b}` } })).status).toBe(200);
  });

  it('uses RATE_LIMIT_PERIOD_SECONDS for Retry-After, and never the raw key as the limiter key', async () => {
    const seen: string[] = [];
    const limiter = { limit: async ({ key }: { key: string }) => (seen.push(key), { success: false }) };
    const env = bindingEnv(fakeAI(), { RATE_LIMITER: limiter as RateLimit, RATE_LIMIT_PERIOD_SECONDS: '10' });
    const res = await call(env, '/v1/models');
    expect(res.headers.get('retry-after')).toBe('10');
    await expectError(res, 429);
    expect(seen[0]).toMatch(/^key:[0-9a-f]{16}$/);
  });

  it('lets requests through when the limiter itself fails, and /health is never limited', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const limiter = { limit: async () => Promise.reject(new Error('limiter down')) };
    const env = bindingEnv(fakeAI(), { RATE_LIMITER: limiter as unknown as RateLimit });
    expect((await call(env, '/v1/models')).status).toBe(200);
    const never = bindingEnv(fakeAI(), { RATE_LIMITER: { limit: async () => ({ success: false }) } as RateLimit });
    expect((await call(never, '/health', { anonymous: true })).status).toBe(200);
  });

  it('without the binding there is no limit', async () => {
    const env = bindingEnv();
    for (let i = 0; i < 10; i++) expect((await call(env, '/v1/models')).status).toBe(200);
  });
});

describe('AI Gateway', () => {
  afterEach(() => vi.restoreAllMocks());

  it('passes AI_GATEWAY_ID (and cache options) to every binding run', async () => {
    const ai = fakeAI();
    const env = bindingEnv(ai, { AI_GATEWAY_ID: 'my-gw', AI_GATEWAY_SKIP_CACHE: 'true', AI_GATEWAY_CACHE_TTL: '120' });
    expect((await postJson(env, '/v1/chat/completions', chatBody)).status).toBe(200);
    expect(ai.calls[0]!.options?.gateway).toEqual({ id: 'my-gw', skipCache: true, cacheTtl: 120 });
  });

  it('sends no gateway option when none is configured', async () => {
    const ai = fakeAI();
    await postJson(bindingEnv(ai), '/v1/chat/completions', chatBody);
    expect(ai.calls[0]!.options?.gateway).toBeUndefined();
  });

  it('routes REST runs through the gateway URL with its cache headers', async () => {
    const api = fakeCloudflareApi({ token: 'tok', account: 'acct' });
    const seen: { url: string; headers: Headers }[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const req = new Request(input, init);
      seen.push({ url: req.url, headers: req.headers });
      if (req.url.startsWith('http://gw.test/')) {
        return Response.json({ result: { response: 'via gateway' }, success: true, errors: [] });
      }
      return api.fetch(input, init);
    });
    const env = {
      AI_TRANSPORT: 'rest',
      CLOUDFLARE_API_BASE_URL: 'http://api.test/client/v4',
      CLOUDFLARE_ACCOUNT_ID: 'acct',
      CLOUDFLARE_API_TOKEN: 'tok',
      PROXY_API_KEY: 'sk-test-key-1',
      LOG_REQUESTS: 'false',
      AI_GATEWAY_ID: 'gw1',
      AI_GATEWAY_BASE_URL: 'http://gw.test/v1',
      AI_GATEWAY_CACHE_TTL: '30',
    };
    const res = await postJson(env, '/v1/chat/completions', chatBody);
    expect((await res.json<any>()).choices[0].message.content).toBe('via gateway');
    const run = seen.find((s) => s.url.startsWith('http://gw.test/'))!;
    expect(run.url).toBe('http://gw.test/v1/acct/gw1/workers-ai/@cf/meta/llama-3.1-8b-instruct');
    expect(run.headers.get('authorization')).toBe('Bearer tok');
    expect(run.headers.get('cf-aig-cache-ttl')).toBe('30');
  });
});

describe('client disconnect', () => {
  it('cancelling the response stream mid-way cancels the upstream stream', async () => {
    let cancelled: unknown = false;
    let pulls = 0;
    const encoder = new TextEncoder();
    const ai = fakeAI(
      () =>
        new ReadableStream<Uint8Array>({
          pull(c) {
            pulls++;
            c.enqueue(encoder.encode(`data: {"response":"t${pulls}"}\n\n`));
          },
          cancel(reason) {
            cancelled = reason ?? true;
          },
        }),
    );
    const res = await postJson(bindingEnv(ai), '/v1/chat/completions', { ...chatBody, stream: true });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel('client went away');
    expect(cancelled).toBeTruthy();
    const pullsAtCancel = pulls;
    await new Promise((r) => setTimeout(r, 20));
    expect(pulls).toBe(pullsAtCancel);
  });

  it('a normal stream is read to the end without cancelling', async () => {
    const ai = fakeAI(() => tokenStream(['a', 'b']));
    const text = await (await postJson(bindingEnv(ai), '/v1/chat/completions', { ...chatBody, stream: true })).text();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});

describe('response cache (opt-in)', () => {
  const deterministic = { ...chatBody, temperature: 0 };

  it.each([
    ['the Cache API', () => ({})],
    ['a KV namespace', () => ({ RESPONSE_CACHE: poolEnv.RESPONSE_CACHE_KV })],
  ])('serves a repeated deterministic request from %s', async (_, extra) => {
    const ai = fakeAI(() => ({ response: 'cached answer', usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }));
    const body = { ...deterministic, messages: [{ role: 'user', content: `q-${crypto.randomUUID()}` }] };
    const env = bindingEnv(ai, { RESPONSE_CACHE_TTL_SECONDS: '300', ...extra() });
    const first = await postJson(env, '/v1/chat/completions', body);
    expect(first.headers.get('x-cache')).toBe('MISS');
    const firstBody = await first.json();
    const second = await postJson(env, '/v1/chat/completions', body);
    expect(second.status).toBe(200);
    expect(second.headers.get('x-cache')).toBe('HIT');
    expect(second.headers.get('x-request-id')).toMatch(/^req_/);
    expect(await second.json()).toEqual(firstBody);
    expect(ai.calls).toHaveLength(1);
  });

  it('does not cache sampled, streamed or failed requests, and is off by default', async () => {
    const ai = fakeAI();
    const env = bindingEnv(ai, { RESPONSE_CACHE_TTL_SECONDS: '300' });
    const sampled = { ...chatBody, temperature: 0.7, messages: [{ role: 'user', content: crypto.randomUUID() }] };
    await postJson(env, '/v1/chat/completions', sampled);
    await postJson(env, '/v1/chat/completions', sampled);
    expect(ai.calls).toHaveLength(2);
    const streamed = { ...deterministic, stream: true, messages: [{ role: 'user', content: crypto.randomUUID() }] };
    ai.calls.length = 0;
    const off = bindingEnv(ai);
    const plain = { ...deterministic, messages: [{ role: 'user', content: crypto.randomUUID() }] };
    await postJson(off, '/v1/chat/completions', plain);
    const again = await postJson(off, '/v1/chat/completions', plain);
    expect(again.headers.get('x-cache')).toBeNull();
    expect(ai.calls).toHaveLength(2);
    const streamAi = fakeAI(() => tokenStream(['x']));
    const streamEnv = bindingEnv(streamAi, { RESPONSE_CACHE_TTL_SECONDS: '300' });
    await (await postJson(streamEnv, '/v1/chat/completions', streamed)).text();
    await (await postJson(streamEnv, '/v1/chat/completions', streamed)).text();
    expect(streamAi.calls).toHaveLength(2);
    const failing = fakeAI(() => {
      throw new Error('3040: Capacity temporarily exceeded');
    });
    const failEnv = bindingEnv(failing, { RESPONSE_CACHE_TTL_SECONDS: '300' });
    await postJson(failEnv, '/v1/chat/completions', plain);
    await postJson(failEnv, '/v1/chat/completions', plain);
    expect(failing.calls).toHaveLength(2);
  });

  it('keeps each client key’s entries apart', async () => {
    const ai = fakeAI();
    const env = bindingEnv(ai, { PROXY_API_KEY: 'ka,kb', RESPONSE_CACHE_TTL_SECONDS: '300' });
    const body = { ...chatBody, seed: 1, messages: [{ role: 'user', content: crypto.randomUUID() }] };
    await postJson(env, '/v1/chat/completions', body, { headers: { authorization: 'Bearer ka' } });
    const other = await postJson(env, '/v1/chat/completions', body, { headers: { authorization: 'Bearer kb' } });
    expect(other.headers.get('x-cache')).toBe('MISS');
    expect(ai.calls).toHaveLength(2);
  });

  it('leaves malformed bodies to the route, and a text/plain JSON body still works', async () => {
    const env = bindingEnv(fakeAI(), { RESPONSE_CACHE_TTL_SECONDS: '300' });
    await expectError(await call(env, '/v1/chat/completions', { method: 'POST', raw: '{"x":', headers: { 'content-type': 'application/json' } }), 400, { code: 'invalid_json' });
    const body = JSON.stringify({ ...deterministic, messages: [{ role: 'user', content: crypto.randomUUID() }] });
    const res = await call(env, '/v1/chat/completions', { method: 'POST', raw: body, headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(200);
  });
});
