/**
 * Routing (issue 16): failover chains, `model: "auto"` and AI Gateway metadata, through HTTP as a
 * client sees them. Failover on the binding with a scripted upstream (which model was called, with
 * which options) and on the emulator (EMULATOR_FAULTS, EMULATOR_PLAN=free) for cost and `auto`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CATALOG } from '../../../src/dev/emulator/catalog';
import { createEmulator } from '../../../src/dev/emulator';
import { Catalog } from '../../../src/services/models/catalog';
import type { Env } from '../../../src/env';
import { pricedUsage } from '../../../src/services/billing';
import { chatProfile } from '../../../src/services/chat/profile';
import { gatewayMetadata } from '../../../src/services/upstream/metadata';
import { bindingError, failingStream, fakeAI, tokenStream } from '../../support/fake-ai';
import { REST_TOKEN, fakeCloudflareApi, restEnv } from '../../support/fake-rest';
import { KEY, bindingEnv, call, expectError, jsonOf, postJson, sseEvents } from '../../support/http';

const A = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';
const B = '@cf/meta/llama-3.1-8b-instruct-fast';
const ALIASES = JSON.stringify({ team: [A, B] });
const usage = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 };
const hi = [{ role: 'user', content: 'Hi' }];

/** A binding whose model A fails with `code` (a thrown binding error) and B answers. */
function chain(code: number, message = 'refused', b: () => unknown = () => ({ response: 'from B', usage })) {
  const ai = fakeAI((model, inputs) => {
    if (model === A) throw bindingError(code, message);
    return inputs.stream ? tokenStream(['from', ' B'], usage) : b();
  });
  return { ai, env: bindingEnv(ai, { MODEL_ALIASES: ALIASES }) };
}

const REFUSALS: [code: number, message: string][] = [
  [3040, 'Capacity temporarily exceeded, please try again.'],
  [5035, 'This model requires the Workers Paid plan'],
  [5028, 'This model was deprecated'],
];

describe('failover chains', () => {
  it.each(REFUSALS)('A refused with %i: B answers, x-model-used says so, the body keeps the alias', async (code, message) => {
    const { ai, env } = chain(code, message);
    const res = await postJson(env, '/v1/chat/completions', { model: 'team', messages: hi });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-used')).toBe(B);
    const body = await jsonOf(res, 'CreateChatCompletionResponse');
    expect(body.model).toBe('team');
    expect(body.choices[0].message.content).toBe('from B');
    expect(ai.calls.map((c) => c.model)).toEqual([A, B]);
    // Every model but the chain's last fails fast instead of queueing.
    expect(ai.calls[0]!.options?.rejectIfBusy).toBe(true);
    expect(ai.calls[1]!.options?.rejectIfBusy).toBeUndefined();
  });

  it.each(REFUSALS)('a stream fails over before its first byte (A refused with %i)', async (code, message) => {
    const { ai, env } = chain(code, message);
    const res = await postJson(env, '/v1/chat/completions', { model: 'team', messages: hi, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-used')).toBe(B);
    const events = await sseEvents(res);
    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks = events.filter((e) => e.json).map((e) => e.json);
    expect(chunks.every((c) => c.model === 'team')).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('from B');
    expect(ai.calls.map((c) => c.model)).toEqual([A, B]);
  });

  it.each([
    [5006, "Error: required properties at '/' are 'prompt'", 400, 'upstream_invalid_input'],
    [3036, 'You have used up your daily free allocation of 10,000 neurons.', 429, 'insufficient_quota'],
    [5021, 'The estimated number of input and maximum output tokens exceeded this model context window limit.', 400, 'context_length_exceeded'],
  ])('no failover on %i: its error reaches the client, B is never called', async (code, message, status, errorCode) => {
    const { ai, env } = chain(code, message);
    await expectError(await postJson(env, '/v1/chat/completions', { model: 'team', messages: hi }), status, { code: errorCode });
    expect(ai.calls.map((c) => c.model)).toEqual([A]);
  });

  it('the last model refused too: its own error passes through, naming it', async () => {
    const ai = fakeAI((model) => {
      throw model === A ? bindingError(3040, 'Capacity temporarily exceeded') : bindingError(5035, 'This model requires the Workers Paid plan');
    });
    const err = await expectError(await postJson(bindingEnv(ai, { MODEL_ALIASES: ALIASES }), '/v1/chat/completions', { model: 'team', messages: hi }), 403, {
      code: 'model_requires_paid_plan',
    });
    expect(err.message).toContain(B);
    expect(ai.calls.map((c) => c.model)).toEqual([A, B]);
  });

  it('a single model (no chain) is not told to fail fast, and a 3040 is the client 429', async () => {
    const ai = fakeAI(() => {
      throw bindingError(3040, 'Capacity temporarily exceeded');
    });
    const res = await postJson(bindingEnv(ai), '/v1/chat/completions', { model: A, messages: hi });
    await expectError(res, 429, { code: 'upstream_overloaded' });
    expect(ai.calls).toHaveLength(1);
    expect(ai.calls[0]!.options?.rejectIfBusy).toBeUndefined();
  });

  it('no failover once a stream has started: a mid-stream 3040 is an error event, B is never called', async () => {
    const ai = fakeAI((model) => (model === A ? failingStream() : tokenStream(['from B'], usage)));
    const res = await postJson(bindingEnv(ai, { MODEL_ALIASES: ALIASES }), '/v1/chat/completions', { model: 'team', messages: hi, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-used')).toBe(A);
    const events = await sseEvents(res);
    expect(events.at(-1)!.data).toBe('[DONE]');
    expect(events.at(-2)!.json.error).toMatchObject({ code: 'upstream_overloaded' });
    expect(ai.calls.map((c) => c.model)).toEqual([A]);
  });

  it('a fallback that cannot serve the request is skipped (tools on a model without tool calling)', async () => {
    const SCOUT = '@cf/meta/llama-4-scout-17b-16e-instruct';
    const ai = fakeAI((model) => {
      if (model === A) throw bindingError(3040, 'Capacity temporarily exceeded');
      return { response: 'from scout', usage };
    });
    const env = bindingEnv(ai, { MODEL_ALIASES: JSON.stringify({ team: [A, B, SCOUT] }) });
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }];
    const res = await postJson(env, '/v1/chat/completions', { model: 'team', messages: hi, tools });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-used')).toBe(SCOUT);
    expect(ai.calls.map((c) => c.model)).toEqual([A, SCOUT]);
  });

  const SURFACES: [name: string, path: string, body: Record<string, unknown>, headers?: Record<string, string>][] = [
    ['Responses', '/v1/responses', { model: 'team', input: 'Hi', store: false }],
    ['Responses (stream)', '/v1/responses', { model: 'team', input: 'Hi', store: false, stream: true }],
    ['legacy completions', '/v1/completions', { model: 'team', prompt: 'Hi' }],
    ['legacy completions (stream)', '/v1/completions', { model: 'team', prompt: 'Hi', stream: true }],
    ['Anthropic Messages', '/v1/messages', { model: 'team', max_tokens: 50, messages: hi }, { 'anthropic-version': '2023-06-01', 'x-api-key': KEY }],
    ['Anthropic Messages (stream)', '/v1/messages', { model: 'team', max_tokens: 50, messages: hi, stream: true }, { 'anthropic-version': '2023-06-01', 'x-api-key': KEY }],
    ['Ollama chat', '/api/chat', { model: 'team', messages: hi, stream: false }],
    ['Ollama chat (stream)', '/api/chat', { model: 'team', messages: hi }],
    ['Ollama generate', '/api/generate', { model: 'team', prompt: 'Hi', stream: false }],
  ];

  it.each(SURFACES)('%s fails over too', async (_name, path, body, headers) => {
    const { ai, env } = chain(3040, 'Capacity temporarily exceeded');
    const res = await postJson(env, path, body, headers ? { headers, anonymous: true } : {});
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(res.headers.get('x-model-used')).toBe(B);
    expect(text).toContain('from');
    expect(text).not.toContain(A);
    expect(ai.calls.map((c) => c.model)).toEqual([A, B]);
  });

  it('the header is exposed to browsers (CORS)', async () => {
    const { env } = chain(3040);
    const res = await postJson(env, '/v1/chat/completions', { model: 'team', messages: hi }, { headers: { origin: 'https://app.example' } });
    expect(res.headers.get('access-control-expose-headers')?.split(/,\s*/)).toContain('x-model-used');
  });

  it('the request log line names the model that answered', async () => {
    const { env } = chain(3040);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect((await postJson({ ...env, LOG_REQUESTS: 'true' } as Env, '/v1/chat/completions', { model: 'team', messages: hi })).status).toBe(200);
      const line = log.mock.calls.map((c) => JSON.parse(String(c[0]))).find((l) => l.path === '/v1/chat/completions');
      expect(line).toMatchObject({ model: 'team', model_used: B, status: 200 });
      const moved = warn.mock.calls.map((c) => JSON.parse(String(c[0]))).find((l) => l.msg === 'model refused, failing over');
      expect(moved).toMatchObject({ model: 'team', from: A, to: B, code: 3040 });
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
  });
});

/** The emulator (its generated catalog, with Cloudflare's published prices). */
const emulatorEnv = (extra: Record<string, string> = {}) => ({ PROXY_API_KEY: KEY, LOG_REQUESTS: 'false', ...extra }) as Env;
const GLM = '@cf/zai-org/glm-4.7-flash';
const GEMMA = '@cf/google/gemma-4-26b-a4b-it';
const entry = (name: string) => CATALOG.find((m) => m.name === name)!;

describe('failover on the emulator', () => {
  it('the cost is the answering model’s: B’s price times B’s usage, in the body and the header', async () => {
    const env = emulatorEnv({ MODEL_ALIASES: JSON.stringify({ pair: [GLM, GEMMA] }), EMULATOR_FAULTS: JSON.stringify({ [GLM]: 3040 }) });
    const res = await postJson(env, '/v1/chat/completions', { model: 'pair', messages: [{ role: 'user', content: 'Say something about failover.' }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-used')).toBe(GEMMA);
    const body = await jsonOf(res, 'CreateChatCompletionResponse');
    expect(body.model).toBe('pair');
    const { prompt_tokens, completion_tokens } = body.usage;
    const asB = pricedUsage(entry(GEMMA), { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens });
    const asA = pricedUsage(entry(GLM), { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens });
    expect(asB.cost).not.toBe(asA.cost);
    expect(body.usage.cost).toBe(asB.cost);
    expect(res.headers.get('x-request-cost')).toBe(String(asB.cost));
  });

  it('a stream’s last usage chunk is priced for the answering model', async () => {
    const env = emulatorEnv({ MODEL_ALIASES: JSON.stringify({ pair: [GLM, GEMMA] }), EMULATOR_FAULTS: JSON.stringify({ [GLM]: 3040 }) });
    const res = await postJson(env, '/v1/chat/completions', { model: 'pair', messages: hi, stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get('x-model-used')).toBe(GEMMA);
    const last = (await sseEvents(res)).filter((e) => e.json?.usage).at(-1)!.json;
    expect(last.model).toBe('pair');
    const { prompt_tokens, completion_tokens, total_tokens } = last.usage;
    expect(last.usage.cost).toBe(pricedUsage(entry(GEMMA), { prompt_tokens, completion_tokens, total_tokens }).cost);
    expect(last.usage.cost).not.toBe(pricedUsage(entry(GLM), { prompt_tokens, completion_tokens, total_tokens }).cost);
  });

  it('a caller’s own aliases (a managed key’s default chain) come before MODEL_ALIASES', async () => {
    const catalog = new Catalog(createEmulator(), 60_000, { team: [B] }, 'emulator');
    expect(await catalog.resolve('team', 'openai-chat', { team: [GLM, '@cf/no/such-model', GEMMA] })).toMatchObject({ requested: 'team', id: GLM, fallbacks: [GEMMA] });
    expect(await catalog.resolve('team', 'openai-chat')).toMatchObject({ id: B });
    expect((await catalog.resolve('team', 'openai-chat')).fallbacks).toBeUndefined();
  });

  it('a paid-only model on a Free plan (5035) fails over to the next', async () => {
    const KIMI = '@cf/moonshotai/kimi-k2.6';
    const env = emulatorEnv({ EMULATOR_PLAN: 'free', MODEL_ALIASES: JSON.stringify({ smart: [KIMI, GLM] }) });
    const res = await postJson(env, '/v1/chat/completions', { model: 'smart', messages: hi });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-used')).toBe(GLM);
    expect((await res.json<any>()).model).toBe('smart');
  });

  it('a bad EMULATOR_FAULTS is a clear configuration error', async () => {
    await expectError(await postJson(emulatorEnv({ EMULATOR_FAULTS: '{"x": "busy"}' }), '/v1/chat/completions', { model: GLM, messages: hi }), 500, {
      code: 'proxy_misconfigured',
    });
  });
});

describe('model: "auto"', () => {
  const IMAGE = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  const pick = async (body: Record<string, unknown>, env = emulatorEnv()) => {
    const res = await postJson(env, '/v1/chat/completions', { model: 'auto', ...body });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(JSON.parse(text).model).toBe('auto');
    return res.headers.get('x-model-used')!;
  };

  it('an image part, tools, and neither pick three different suitable models', async () => {
    const vision = await pick({ messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: IMAGE } }] }] });
    const tooled = await pick({ messages: [{ role: 'user', content: 'Weather in Paris?' }], tools });
    const plain = await pick({ messages: hi });
    expect(new Set([vision, tooled, plain]).size).toBe(3);
    expect(chatProfile(vision, entry(vision)).vision).toBe('parts');
    expect(chatProfile(tooled, entry(tooled)).tools).toBe(true);
    expect([vision, tooled, plain]).toEqual([GEMMA, GLM, B]);
  });

  it('an image part and tools together pick a model with both', async () => {
    const model = await pick({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather where this was taken?' }, { type: 'image_url', image_url: { url: IMAGE } }] }], tools });
    expect(chatProfile(model, entry(model))).toMatchObject({ vision: 'parts', tools: true });
  });

  it('reasoning_effort picks a reasoning model', async () => {
    const model = await pick({ messages: hi, reasoning_effort: 'high' });
    expect(chatProfile(model, entry(model)).reasoning).toBe(true);
    expect(model).toBe('@cf/openai/gpt-oss-120b');
  });

  it('a long prompt picks a model whose context window fits it', async () => {
    const long = 'lorem ipsum '.repeat(20_000); // ~60k tokens
    const model = await pick({ messages: [{ role: 'user', content: long }], max_tokens: 100 });
    expect(chatProfile(model, entry(model)).contextWindow).toBeGreaterThan(60_000);
  });

  it('AUTO_MODELS sets the preferences', async () => {
    const env = emulatorEnv({ AUTO_MODELS: JSON.stringify({ default: '@cf/qwen/qwen3-30b-a3b-fp8' }) });
    expect(await pick({ messages: hi }, env)).toBe('@cf/qwen/qwen3-30b-a3b-fp8');
    await expectError(await postJson(emulatorEnv({ AUTO_MODELS: '{"fast": "x"}' }), '/v1/chat/completions', { model: 'auto', messages: hi }), 500, {
      code: 'proxy_misconfigured',
    });
  });

  it('fails over down its own chain when its first pick is busy', async () => {
    expect(await pick({ messages: hi }, emulatorEnv({ EMULATOR_FAULTS: JSON.stringify({ [B]: 3040 }) }))).toBe(GLM);
  });

  it('streams, and works on Anthropic Messages and Ollama', async () => {
    const stream = await postJson(emulatorEnv(), '/v1/chat/completions', { model: 'auto', messages: hi, stream: true });
    expect(stream.headers.get('x-model-used')).toBe(B);
    expect((await sseEvents(stream)).at(-1)!.data).toBe('[DONE]');
    const anthropic = await postJson(emulatorEnv(), '/v1/messages', { model: 'auto', max_tokens: 50, messages: hi }, { headers: { 'anthropic-version': '2023-06-01', 'x-api-key': KEY }, anonymous: true });
    expect(anthropic.status).toBe(200);
    expect(anthropic.headers.get('x-model-used')).toBe(B);
    const ollama = await postJson(emulatorEnv(), '/api/chat', { model: 'auto', messages: hi, stream: false });
    expect(ollama.status).toBe(200);
    expect(ollama.headers.get('x-model-used')).toBe(B);
  });

  it('Ollama lists it in /api/tags and describes it in /api/show', async () => {
    const tags = await (await call(emulatorEnv(), '/api/tags')).json<any>();
    expect(tags.models.at(-1)).toMatchObject({ name: 'auto:latest', model: 'auto:latest', size: 0 });
    const show = await (await postJson(emulatorEnv(), '/api/show', { model: 'auto:latest' })).json<any>();
    expect(show.capabilities).toEqual(['completion', 'tools', 'vision', 'thinking']);
    const chat = await postJson(emulatorEnv(), '/api/chat', { model: 'auto:latest', messages: hi, stream: false });
    expect(chat.headers.get('x-model-used')).toBe(B);
    expect((await chat.json<any>()).model).toBe('auto:latest');
  });

  it('is listed in /v1/models and described at /v1/models/auto', async () => {
    const list = await jsonOf(await call(emulatorEnv(), '/v1/models'), 'ListModelsResponse');
    expect(list.data.map((m: any) => m.id)).toContain('auto');
    expect(await jsonOf(await call(emulatorEnv(), '/v1/models/auto'), 'Model')).toMatchObject({ id: 'auto', object: 'model' });
  });
});

describe('AI Gateway metadata', () => {
  afterEach(() => vi.restoreAllMocks());
  const chatWith = { model: A, messages: hi, user: 'alice', metadata: { team: 'blue', a: '1', b: '2', c: '3' } };

  it('key name first, then user, then the request metadata: at most 5 entries of strings, numbers, booleans', () => {
    expect(gatewayMetadata({ keyName: 'family', user: 'bob', metadata: { x: 'y', n: 2, ok: true, deep: { no: 1 }, z: 'z', over: 'dropped' } })).toEqual({
      key: 'family',
      user: 'bob',
      x: 'y',
      n: 2,
      ok: true,
    });
    expect(gatewayMetadata({ metadata: { user: 'spoof' }, user: 'real' })).toEqual({ user: 'real' });
    expect(gatewayMetadata({})).toBeUndefined();
  });

  it('binding: user and metadata go in gateway.metadata of every run', async () => {
    const ai = fakeAI();
    const env = bindingEnv(ai, { AI_GATEWAY_ID: 'gw' });
    expect((await postJson(env, '/v1/chat/completions', chatWith)).status).toBe(200);
    expect(ai.calls[0]!.options?.gateway).toEqual({ id: 'gw', metadata: { user: 'alice', team: 'blue', a: '1', b: '2', c: '3' } });
  });

  it('binding: Responses user/metadata and Anthropic metadata.user_id', async () => {
    const ai = fakeAI();
    const env = bindingEnv(ai, { AI_GATEWAY_ID: 'gw' });
    expect((await postJson(env, '/v1/responses', { model: A, input: 'Hi', user: 'carol', metadata: { app: 'notes' }, store: false })).status).toBe(200);
    const headers = { 'anthropic-version': '2023-06-01', 'x-api-key': KEY };
    expect((await postJson(env, '/v1/messages', { model: A, max_tokens: 50, messages: hi, metadata: { user_id: 'dave' } }, { headers, anonymous: true })).status).toBe(200);
    expect(ai.calls.map((c) => c.options?.gateway?.metadata)).toEqual([{ user: 'carol', app: 'notes' }, { user: 'dave' }]);
  });

  it('binding: no gateway, no metadata; no user or metadata, the gateway options as configured', async () => {
    const ai = fakeAI();
    await postJson(bindingEnv(ai), '/v1/chat/completions', chatWith);
    await postJson(bindingEnv(ai, { AI_GATEWAY_ID: 'gw' }), '/v1/chat/completions', { model: A, messages: hi });
    expect(ai.calls[0]!.options?.gateway).toBeUndefined();
    expect(ai.calls[1]!.options?.gateway).toEqual({ id: 'gw' });
  });

  /** A REST env through a gateway, with every request's headers and body recorded. */
  function restGateway(run?: (model: string) => Response | undefined) {
    const api = fakeCloudflareApi({ token: REST_TOKEN, account: 'acct1' });
    const seen: { url: string; headers: Headers; body: any }[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const req = new Request(input, init);
      if (!req.url.startsWith('http://gw.test/')) return api.fetch(input, init);
      const body = await req.json();
      seen.push({ url: req.url, headers: req.headers, body });
      const model = req.url.split('/workers-ai/')[1]!;
      return run?.(model) ?? Response.json({ result: { response: `from ${model}`, usage }, success: true, errors: [] });
    });
    return { seen, env: restEnv({ AI_GATEWAY_ID: 'gw1', AI_GATEWAY_BASE_URL: 'http://gw.test/v1' }) as Env };
  }

  it('REST: a cf-aig-metadata header (JSON, ASCII-escaped) on runs through the gateway', async () => {
    const { seen, env } = restGateway();
    const res = await postJson(env, '/v1/chat/completions', { ...chatWith, user: 'zoë 山田' });
    expect(res.status).toBe(200);
    const header = seen[0]!.headers.get('cf-aig-metadata')!;
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(JSON.parse(header)).toEqual({ user: 'zoë 山田', team: 'blue', a: '1', b: '2', c: '3' });
  });

  it('REST: no user or metadata, no header', async () => {
    const { seen, env } = restGateway();
    expect((await postJson(env, '/v1/chat/completions', { model: A, messages: hi })).status).toBe(200);
    expect(seen[0]!.headers.has('cf-aig-metadata')).toBe(false);
  });

  it('REST: a chain fails over, the refused run asked to fail fast in the body’s options', async () => {
    const { seen, env } = restGateway((model) =>
      model === A ? Response.json({ result: null, success: false, errors: [{ code: 3040, message: 'Capacity temporarily exceeded' }] }, { status: 429 }) : undefined,
    );
    const res = await postJson({ ...env, MODEL_ALIASES: ALIASES } as Env, '/v1/chat/completions', { model: 'team', messages: hi });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-used')).toBe(B);
    expect(seen.map((s) => s.url.split('/workers-ai/')[1])).toEqual([A, B]);
    expect(seen[0]!.body.options).toEqual({ rejectIfBusy: true });
    expect(seen[1]!.body.options).toBeUndefined();
  });
});
