import { afterEach, describe, expect, it, vi } from 'vitest';
import { tokenStream } from '../../support/fake-ai';
import { REST_TOKEN, fakeCloudflareApi, restEnv } from '../../support/fake-rest';
import { KEY, call, expectError, jsonOf, postJson, sseEvents } from '../../support/http';

const TOKEN = REST_TOKEN;
const env = restEnv;
const chatBody = { model: '@cf/meta/llama-3.1-8b-instruct', messages: [{ role: 'user', content: 'Hi' }] };

function install(api: ReturnType<typeof fakeCloudflareApi>) {
  return vi.spyOn(globalThis, 'fetch').mockImplementation(api.fetch);
}

describe('REST transport', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs a model at /accounts/{id}/ai/run/{model} with the token, and unwraps the envelope', async () => {
    const api = fakeCloudflareApi({ token: TOKEN, account: 'acct1' });
    install(api);
    const body = await jsonOf(await postJson(env(), '/v1/chat/completions', { ...chatBody, temperature: 0.2 }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message.content).toBe('from rest');
    expect(body.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5, cost: null, neurons: null });
    const run = api.seen.find((r) => r.method === 'POST')!;
    expect(run.url.href).toBe('http://127.0.0.1:9999/client/v4/accounts/acct1/ai/run/@cf/meta/llama-3.1-8b-instruct');
    expect(run.authorization).toBe(`Bearer ${TOKEN}`);
    expect(run.body).toMatchObject({ messages: [{ role: 'user', content: 'Hi' }], temperature: 0.2 });
  });

  it('reads the catalog from /ai/models/search, page by page', async () => {
    const api = fakeCloudflareApi({ token: TOKEN, account: 'acct1' });
    install(api);
    const body = await jsonOf(await call(env(), '/v1/models?protocol=openai-chat'), 'ListModelsResponse');
    expect(body.data).toHaveLength(15); // 14 chat models and `auto`
    const search = api.seen.filter((r) => r.url.pathname.endsWith('/models/search'));
    expect(search[0]!.url.searchParams.get('per_page')).toBe('100');
    expect(search[0]!.url.searchParams.get('page')).toBe('1');
  });

  it('passes an SSE stream through and translates it', async () => {
    const api = fakeCloudflareApi({
      token: TOKEN,
      account: 'acct1',
      run: () => new Response(tokenStream(['A', 'B'], { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 }), { headers: { 'content-type': 'text/event-stream' } }),
    });
    install(api);
    const events = await sseEvents(await postJson(env(), '/v1/chat/completions', { ...chatBody, stream: true }));
    expect(events.slice(0, -1).map((e) => e.json.choices[0]?.delta?.content ?? '').join('')).toBe('AB');
    expect(api.seen.find((r) => r.method === 'POST')!.body.stream).toBe(true);
  });

  it.each([
    [429, 3040, 'Capacity temporarily exceeded, please try again.', 429, 'upstream_overloaded'],
    [400, 5007, 'No such model', 404, 'model_not_found'],
    [400, 5006, 'Error: required properties at / are messages', 400, 'upstream_invalid_input'],
    [403, 9109, 'Unauthorized to access requested resource', 502, 'upstream_auth_failed'],
    [500, 3000, 'Unknown internal error', 502, 'upstream_error'],
  ])('maps an envelope error (HTTP %i, code %i) to an OpenAI error', async (httpStatus, code, message, status, errorCode) => {
    const api = fakeCloudflareApi({ token: TOKEN, account: 'acct1', run: () => api.failure(httpStatus, code, message) });
    install(api);
    await expectError(await postJson(env(), '/v1/chat/completions', chatBody), status, { code: errorCode });
  });

  it('maps success:false inside an HTTP 200 envelope', async () => {
    const api = fakeCloudflareApi({ token: TOKEN, account: 'acct1', run: () => api.failure(200, 3040, 'Capacity temporarily exceeded') });
    install(api);
    await expectError(await postJson(env(), '/v1/chat/completions', chatBody), 429, { code: 'upstream_overloaded' });
  });

  it('a rejected upstream token is a 502 that blames the proxy config and never echoes the token', async () => {
    const api = fakeCloudflareApi({ token: 'the-right-token', account: 'acct1' });
    install(api);
    const log = vi.spyOn(console, 'log');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await postJson(env({ LOG_REQUESTS: 'true' }), '/v1/chat/completions', chatBody);
    const text = await res.clone().text();
    const err = await expectError(res, 502, { code: 'upstream_auth_failed' });
    expect(err.message).toMatch(/CLOUDFLARE_API_TOKEN/);
    expect(err.message).toMatch(/not your API key/);
    expect(text).not.toContain(TOKEN);
    const logged = JSON.stringify([log.mock.calls, warn.mock.calls, error.mock.calls]);
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain(KEY);
  });

  it('scrubs the token if the upstream echoes it in an error', async () => {
    const api = fakeCloudflareApi({ token: TOKEN, account: 'acct1', run: () => api.failure(400, 5006, `bad input near ${TOKEN}`) });
    install(api);
    const res = await postJson(env(), '/v1/chat/completions', chatBody);
    const text = await res.clone().text();
    await expectError(res, 400, { code: 'upstream_invalid_input', message: /\[redacted\]/ });
    expect(text).not.toContain(TOKEN);
  });

  it('an unreachable API is a 502, and the Worker keeps serving', async () => {
    vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('Network connection lost.'));
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const e = env();
    await expectError(await postJson(e, '/v1/chat/completions', chatBody), 502);
    vi.restoreAllMocks();
    install(fakeCloudflareApi({ token: TOKEN, account: 'acct1' }));
    expect((await postJson(e, '/v1/chat/completions', chatBody)).status).toBe(200);
  });

  it('defaults CLOUDFLARE_API_BASE_URL to api.cloudflare.com', async () => {
    const spy = vi.spyOn(globalThis, 'fetch').mockResolvedValue(Response.json({ result: [], success: true, errors: [] }));
    await call(env({ CLOUDFLARE_API_BASE_URL: '' }), '/v1/models');
    expect(String(spy.mock.calls[0]![0])).toBe('https://api.cloudflare.com/client/v4/accounts/acct1/ai/models/search?per_page=100&page=1');
  });

  it('is chosen automatically when a token is configured and there is no binding', async () => {
    const api = fakeCloudflareApi({ token: TOKEN, account: 'acct1' });
    install(api);
    const { AI_TRANSPORT: _, ...auto } = env();
    expect(await (await call(auto, '/health', { anonymous: true })).json()).toEqual({ status: 'ok', transport: 'rest' });
  });

  it('a missing account id is a clear 500 naming the variable', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const err = await expectError(await call(env({ CLOUDFLARE_ACCOUNT_ID: '' }), '/v1/models'), 500, { code: 'proxy_misconfigured' });
    expect(err.message).toMatch(/CLOUDFLARE_ACCOUNT_ID/);
  });
});
