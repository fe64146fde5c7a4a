/**
 * The error table seen from outside: each Workers AI code reaches the client with the same
 * status, type, code and retry headers on every surface family (chat, chat stream, Responses,
 * completions, embeddings, images, audio, moderations, Ollama in its own shape) and on the
 * binding and REST transports alike.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Env } from '../../../src/env';
import { AUDIO_CATALOG, postForm, sdkForm, wav } from '../../support/audio';
import { bindingError, fakeAI, UPSTREAM_ERROR_CASES } from '../../support/fake-ai';
import { fakeCloudflareApi, REST_TOKEN, restEnv } from '../../support/fake-rest';
import { bindingEnv, call, expectError, postJson } from '../../support/http';
import { CATALOG_WITH_MORE } from '../../support/more-models';

const CHAT = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';
const CATALOG = [...CATALOG_WITH_MORE, ...AUDIO_CATALOG.filter((m) => !CATALOG_WITH_MORE.some((c) => c.name === m.name))];

/** One request per surface family, as a client sends it. */
const SURFACES: [name: string, send: (env: Env) => Promise<Response>][] = [
  ['chat', (env) => postJson(env, '/v1/chat/completions', { model: CHAT, messages: [{ role: 'user', content: 'Hi' }] })],
  ['chat stream', (env) => postJson(env, '/v1/chat/completions', { model: CHAT, stream: true, messages: [{ role: 'user', content: 'Hi' }] })],
  ['responses', (env) => postJson(env, '/v1/responses', { model: CHAT, input: 'Hi' })],
  ['responses stream', (env) => postJson(env, '/v1/responses', { model: CHAT, input: 'Hi', stream: true })],
  ['completions', (env) => postJson(env, '/v1/completions', { model: CHAT, prompt: 'Once' })],
  ['embeddings', (env) => postJson(env, '/v1/embeddings', { model: '@cf/baai/bge-base-en-v1.5', input: 'x' })],
  ['images', (env) => postJson(env, '/v1/images/generations', { model: '@cf/black-forest-labs/flux-1-schnell', prompt: 'a fox' })],
  ['transcriptions', (env) => postForm(env, '/v1/audio/transcriptions', sdkForm(new File([wav(0.5)], 'a.wav', { type: 'audio/wav' }), { model: 'whisper-1' }))],
  ['speech', (env) => postJson(env, '/v1/audio/speech', { model: '@cf/myshell-ai/melotts', input: 'Hello.', voice: 'alloy' })],
  ['moderations', (env) => postJson(env, '/v1/moderations', { input: 'hello' })],
];

const OLLAMA: [name: string, send: (env: Env) => Promise<Response>][] = [
  ['ollama chat', (env) => postJson(env, '/api/chat', { model: CHAT, stream: false, messages: [{ role: 'user', content: 'Hi' }] })],
  ['ollama generate', (env) => postJson(env, '/api/generate', { model: CHAT, stream: false, prompt: 'Hi' })],
  ['ollama embed', (env) => postJson(env, '/api/embed', { model: '@cf/baai/bge-base-en-v1.5', input: 'x' })],
];

const failing = (code: number, message: string) =>
  bindingEnv(
    fakeAI(() => {
      throw bindingError(code, message);
    }, CATALOG),
  );

/** The headers the OpenAI SDKs read to decide on a retry. */
function expectRetryHeaders(res: Response, retry: boolean, code: string) {
  expect(res.headers.get('x-should-retry')).toBe(String(retry));
  if (code === 'upstream_overloaded') expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  if (!retry) expect(res.headers.get('retry-after')).toBeNull();
}

describe('every Workers AI code on every OpenAI surface', () => {
  describe.each(SURFACES)('%s', (_surface, send) => {
    it.each(UPSTREAM_ERROR_CASES)('%i (%s) -> %i %s', async (code, message, status, errorCode, type, retry) => {
      const res = await send(failing(code, message));
      expectRetryHeaders(res, retry, errorCode);
      await expectError(res, status, { code: errorCode, type });
    });
  });
});

describe('every Workers AI code on the Ollama surface, in its own shape', () => {
  describe.each(OLLAMA)('%s', (_surface, send) => {
    it.each(UPSTREAM_ERROR_CASES)('%i (%s) -> %i', async (code, message, status, errorCode, _type, retry) => {
      const res = await send(failing(code, message));
      expect(res.status).toBe(status);
      expectRetryHeaders(res, retry, errorCode);
      const body = await res.json<any>();
      expect(Object.keys(body)).toEqual(['error']);
      expect(typeof body.error).toBe('string');
    });
  });
});

describe('what the messages say', () => {
  it('5035 says the model needs the Workers Paid plan, and is not a credentials problem', async () => {
    const err = await expectError(await SURFACES[0]![1](failing(5035, 'This model requires the Workers Paid plan')), 403, { param: 'model' });
    expect(err.message).toMatch(/needs the Workers Paid plan/);
    expect(err.message).toContain(CHAT);
    expect(err.message).not.toMatch(/credentials/);
  });

  it('3036 / 4006 say the daily allocation is used and that retrying will not help', async () => {
    const err = await expectError(await SURFACES[0]![1](failing(4006, 'daily free allocation used')), 429, { code: 'insufficient_quota' });
    expect(err.message).toMatch(/daily free allocation.*00:00 UTC.*Retrying sooner will not help/);
  });

  it('5021 names the model and keeps the upstream numbers', async () => {
    const err = await expectError(
      await SURFACES[0]![1](failing(5021, 'The estimated number of input and maximum output tokens (9000) exceeded this model context window limit (7968).')),
      400,
      { code: 'context_length_exceeded', param: 'messages' },
    );
    expect(err.message).toContain(CHAT);
    expect(err.message).toMatch(/9000.*7968/);
  });

  it('an unknown code is a 502 carrying the upstream message', async () => {
    const err = await expectError(await SURFACES[0]![1](failing(9999, 'Something odd happened')), 502, { code: 'upstream_error', type: 'server_error' });
    expect(err.message).toMatch(/Something odd happened/);
  });

  it('only known codes are read out of a message: a number that is not a code changes nothing', async () => {
    // 2048 is a token count here, not a Workers AI code: the failure stays an unknown one.
    const ai = fakeAI(() => {
      throw new Error('AiError: context 2048: something broke');
    }, CATALOG);
    await expectError(await SURFACES[0]![1](bindingEnv(ai)), 502, { code: 'upstream_error' });
    // A known code after a wrapper prefix is found.
    const wrapped = fakeAI(() => {
      throw new Error('AiError: InferenceUpstreamError: 5035: needs paid plan');
    }, CATALOG);
    await expectError(await SURFACES[0]![1](bindingEnv(wrapped)), 403, { code: 'model_requires_paid_plan' });
  });

  it('a numeric `code` on the thrown error is used when the table knows it', async () => {
    const ai = fakeAI(() => {
      throw Object.assign(new Error('Capacity temporarily exceeded'), { code: 3040 });
    }, CATALOG);
    await expectError(await SURFACES[0]![1](bindingEnv(ai)), 429, { code: 'upstream_overloaded' });
  });

  it('a retry-after the transport read from the upstream is passed on; else the default wait', async () => {
    const { UpstreamError } = await import('../../../src/services/upstream/types');
    // The transport's error carries the upstream's Retry-After as `retryAfter` (seconds).
    const withRetry = Object.assign(new UpstreamError('3040: Capacity temporarily exceeded', 3040, 429), { retryAfter: 7 });
    const res = await SURFACES[0]![1](bindingEnv(fakeAI(() => Promise.reject(withRetry), CATALOG)));
    expect(res.headers.get('retry-after')).toBe('7');
    await expectError(res, 429, { code: 'upstream_overloaded' });
    expect((await SURFACES[0]![1](failing(3040, 'Capacity temporarily exceeded'))).headers.get('retry-after')).toBe('2');
  });

  it('CORS exposes the retry headers to browser clients', async () => {
    const env = { ...failing(3040, 'Capacity temporarily exceeded'), ALLOWED_ORIGINS: 'https://app.example' };
    const res = await call(env, '/v1/chat/completions', { body: { model: CHAT, messages: [{ role: 'user', content: 'Hi' }] }, headers: { origin: 'https://app.example' } });
    expect(res.status).toBe(429);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/x-should-retry/);
    expect(res.headers.get('access-control-expose-headers')).toMatch(/retry-after/);
  });
});

describe('the REST transport maps the same codes', () => {
  afterEach(() => vi.restoreAllMocks());

  /** The HTTP status Cloudflare answers each code with over REST. */
  const HTTP: Record<number, number> = { 3040: 429, 3036: 429, 4006: 429, 5007: 404, 5021: 413, 3010: 400, 5023: 400, 5028: 410, 5035: 403, 5006: 400, 3006: 413, 3007: 408, 10000: 401, 9999: 500 };

  it.each(UPSTREAM_ERROR_CASES)('%i (%s) -> %i %s', async (code, message, status, errorCode, type, retry) => {
    const api = fakeCloudflareApi({ token: REST_TOKEN, account: 'acct1', catalog: CATALOG, run: () => api.failure(HTTP[code]!, code, message) });
    vi.spyOn(globalThis, 'fetch').mockImplementation(api.fetch);
    for (const [, send] of [SURFACES[0]!, SURFACES[5]!]) {
      const res = await send(restEnv());
      expectRetryHeaders(res, retry, errorCode);
      await expectError(res, status, { code: errorCode, type });
    }
  });

  it('a 403 with code 5035 is the paid-plan error, not the proxy-credentials one', async () => {
    const api = fakeCloudflareApi({ token: REST_TOKEN, account: 'acct1', catalog: CATALOG, run: () => api.failure(403, 5035, 'This model requires Workers Paid') });
    vi.spyOn(globalThis, 'fetch').mockImplementation(api.fetch);
    await expectError(await SURFACES[0]![1](restEnv()), 403, { code: 'model_requires_paid_plan' });
  });

  it('a 403 without a code still points at the proxy credentials', async () => {
    const api = fakeCloudflareApi({ token: REST_TOKEN, account: 'acct1', catalog: CATALOG, run: () => new Response('Forbidden', { status: 403 }) });
    vi.spyOn(globalThis, 'fetch').mockImplementation(api.fetch);
    const err = await expectError(await SURFACES[0]![1](restEnv()), 502, { code: 'upstream_auth_failed' });
    expect(err.message).toMatch(/not your API key/);
  });
});
