/**
 * Parameters from the schema: logprobs, top_logprobs, logit_bias and prediction go upstream when
 * the model's input schema (or, on the binding, its family) takes them and come back in OpenAI's
 * shape; otherwise a 400 naming the model. Dialect and `raw` follow the schema too.
 * Upstream answers here are hand-written in the shape kimi / glm return (WORKERS_AI.md "Families").
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chatProfile, schemaParams } from '../../../src/services/chat/profile';
import { catalogModel, TEST_CATALOG } from '../../support/catalog';
import { fakeAI, sseStream } from '../../support/fake-ai';
import { fakeCloudflareApi, REST_TOKEN, restEnv } from '../../support/fake-rest';
import { bindingEnv, expectError, jsonOf, postJson, chatChunks } from '../../support/http';

const KIMI = '@cf/moonshotai/kimi-k2.6';
const LLAMA = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';
const hi = [{ role: 'user', content: 'Hi' }];
const lp = (token: string, logprob: number) => ({ token, logprob, bytes: [...new TextEncoder().encode(token)], top_logprobs: [{ token, logprob, bytes: null }, { token: 'x', logprob: -3.2, bytes: null }] });
const LOGPROBS = { content: [lp('Hel', -0.01), lp('lo', -0.2)], refusal: null };
const completion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1764547200,
  model: KIMI,
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, logprobs: LOGPROBS, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
};
const chunk = (delta: object, logprobs: object | null, finish: string | null = null) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1764547200,
  model: KIMI,
  choices: [{ index: 0, delta, logprobs, finish_reason: finish }],
});
const chat = (env: ReturnType<typeof bindingEnv> | Record<string, string>, body: Record<string, unknown>) =>
  postJson(env as never, '/v1/chat/completions', { messages: hi, ...body });

describe('logprobs on a model that takes them', () => {
  it('go upstream and come back as spec-valid choices[].logprobs', async () => {
    const ai = fakeAI(() => completion);
    const body = await jsonOf(await chat(bindingEnv(ai), { model: KIMI, logprobs: true, top_logprobs: 2 }), 'CreateChatCompletionResponse');
    expect(ai.calls[0]!.inputs).toMatchObject({ logprobs: true, top_logprobs: 2 });
    expect(body.choices[0].logprobs).toEqual(LOGPROBS);
  });

  it('stream: each chunk carries the logprobs of its tokens, spec-valid', async () => {
    const ai = fakeAI(() =>
      sseStream([chunk({ role: 'assistant', content: 'Hel' }, { content: [lp('Hel', -0.01)] }), chunk({ content: 'lo' }, { content: [lp('lo', -0.2)] }), chunk({}, null, 'stop'), '[DONE]']),
    );
    const chunks = await chatChunks(await chat(bindingEnv(ai), { model: KIMI, stream: true, logprobs: true }));
    const carried = chunks.flatMap((c) => c.choices[0]?.logprobs?.content ?? []);
    expect(carried.map((e: any) => e.token)).toEqual(['Hel', 'lo']);
    const withText = chunks.filter((c) => c.choices[0]?.delta?.content);
    expect(withText.map((c) => c.choices[0].logprobs.content[0].token)).toEqual(['Hel', 'lo']);
  });

  it('entries missing `bytes` are completed with null, so the answer stays spec-valid', async () => {
    const ai = fakeAI(() => ({ ...completion, choices: [{ ...completion.choices[0], logprobs: { content: [{ token: 'Hi', logprob: -0.5 }] } }] }));
    const body = await jsonOf(await chat(bindingEnv(ai), { model: KIMI, logprobs: true }), 'CreateChatCompletionResponse');
    expect(body.choices[0].logprobs).toEqual({ content: [{ token: 'Hi', logprob: -0.5, bytes: null, top_logprobs: [] }], refusal: null });
  });

  it('logit_bias and prediction go upstream as sent', async () => {
    const ai = fakeAI(() => completion);
    const prediction = { type: 'content', content: 'Hello' };
    expect((await chat(bindingEnv(ai), { model: KIMI, logit_bias: { '1234': -100 }, prediction })).status).toBe(200);
    expect(ai.calls[0]!.inputs).toMatchObject({ logit_bias: { '1234': -100 }, prediction });
  });

  it('a model that returns none answers logprobs: null', async () => {
    const ai = fakeAI(() => ({ ...completion, choices: [{ ...completion.choices[0], logprobs: undefined }] }));
    const body = await jsonOf(await chat(bindingEnv(ai), { model: KIMI, logprobs: true }), 'CreateChatCompletionResponse');
    expect(body.choices[0].logprobs).toBeNull();
  });
});

describe('a model that does not take them', () => {
  it.each([
    ['logprobs', { logprobs: true }],
    ['top_logprobs', { logprobs: true, top_logprobs: 3 }],
    ['logit_bias', { logit_bias: { '1': 5 } }],
    ['prediction', { prediction: { type: 'content', content: 'x' } }],
  ])('%s is a 400 unsupported_parameter naming the model', async (param, extra) => {
    const ai = fakeAI();
    const err = await expectError(await chat(bindingEnv(ai), { model: LLAMA, ...extra }), 400, { code: 'unsupported_parameter', param: param === 'top_logprobs' ? 'logprobs' : param });
    expect(err.message).toContain(LLAMA);
    expect(ai.calls).toHaveLength(0);
  });

  it('logprobs: false and an empty logit_bias are not requests for them', async () => {
    expect((await chat(bindingEnv(), { model: LLAMA, logprobs: false, logit_bias: {}, top_logprobs: 0 })).status).toBe(200);
  });

  it('top_logprobs without logprobs is a 400', async () => {
    await expectError(await chat(bindingEnv(fakeAI(() => completion)), { model: KIMI, top_logprobs: 3 }), 400, { param: 'top_logprobs' });
  });
});

describe('decided by the model schema over REST', () => {
  afterEach(() => vi.restoreAllMocks());

  /** A model no id pattern knows, with an OpenAI Chat Completions input schema. */
  const NEW = '@cf/acme/new-chat-1';
  const catalog = [...TEST_CATALOG, catalogModel(NEW, 'Text Generation', { context_window: '32768' })];
  const openaiSchema = {
    input: {
      type: 'object',
      oneOf: [
        { title: 'Messages', properties: { messages: {}, logprobs: {}, top_logprobs: {}, n: {}, top_k: {}, chat_template_kwargs: {}, stream: {} }, required: ['messages'] },
        { properties: { requests: { type: 'array' } } },
      ],
    },
    output: { type: 'object' },
  };
  /** llama-3.3's real schema forms, abridged: Prompt and Messages, with `raw`, no logprobs. */
  const legacySchema = {
    input: {
      type: 'object',
      oneOf: [
        { title: 'Prompt', properties: { prompt: {}, raw: {}, lora: {}, max_tokens: {}, temperature: {}, top_k: {} }, required: ['prompt'] },
        { title: 'Messages', properties: { messages: {}, raw: {}, tools: {}, max_tokens: {}, temperature: {}, top_k: {} }, required: ['messages'] },
      ],
    },
    output: { type: 'object' },
  };
  const install = (schema: (model: string) => object | null, run?: (model: string, body: any) => object) => {
    const api = fakeCloudflareApi({ token: REST_TOKEN, account: 'acct1', catalog, schema, run: run ?? (() => completion) });
    vi.spyOn(globalThis, 'fetch').mockImplementation(api.fetch);
    return api;
  };

  it('a schema that takes logprobs lets them through (and top_k, which that schema takes)', async () => {
    const api = install((m) => (m === NEW ? openaiSchema : legacySchema));
    const body = await jsonOf(await chat(restEnv(), { model: NEW, logprobs: true, top_logprobs: 1, top_k: 20 }), 'CreateChatCompletionResponse');
    expect(body.choices[0].logprobs).toEqual(LOGPROBS);
    const run = api.seen.find((r) => r.method === 'POST')!;
    expect(run.body).toMatchObject({ logprobs: true, top_logprobs: 1, top_k: 20, messages: hi });
  });

  it('a schema without them refuses, saying the schema lacks the parameter', async () => {
    install(() => legacySchema);
    const err = await expectError(await chat(restEnv(), { model: LLAMA, logprobs: true }), 400, { code: 'unsupported_parameter', param: 'logprobs' });
    expect(err.message).toMatch(/input schema has no such parameter/);
  });

  it('legacy completions go raw where the schema takes `raw`, as chat turns where it does not', async () => {
    const api = install((m) => (m === NEW ? openaiSchema : legacySchema), () => ({ response: ' upon a time' }));
    expect((await postJson(restEnv(), '/v1/completions', { model: LLAMA, prompt: 'Once' })).status).toBe(200);
    expect((await postJson(restEnv(), '/v1/completions', { model: NEW, prompt: 'Once' })).status).toBe(200);
    const runs = api.seen.filter((r) => r.method === 'POST');
    expect(runs[0]!.body).toMatchObject({ prompt: 'Once', raw: true });
    expect(runs[0]!.body).not.toHaveProperty('messages');
    expect(runs[1]!.body.messages).toEqual([{ role: 'user', content: 'Once' }]);
  });

  it('the schema is read once per model, not per request', async () => {
    const api = install(() => legacySchema);
    const env = restEnv();
    for (let i = 0; i < 3; i++) expect((await chat(env, { model: LLAMA })).status).toBe(200);
    expect(api.seen.filter((r) => r.url.pathname.endsWith('/models/schema')).length).toBeLessThanOrEqual(1);
  });
});

describe('the profile', () => {
  it('is derived once per catalog entry and schema', () => {
    const entry = catalogModel('@cf/acme/x', 'Text Generation');
    const schema = { input: { properties: { messages: {}, logprobs: {} } }, output: {} };
    const a = chatProfile('@cf/acme/x', entry, schema);
    expect(chatProfile('@cf/acme/x', entry, schema)).toBe(a);
    expect(chatProfile('@cf/acme/x', entry, { ...schema })).not.toBe(a);
    expect(a).toMatchObject({ api: 'openai', source: 'schema' });
    expect(a.takes('logprobs')).toBe(true);
  });

  it('reads every form of a schema but the batch form', () => {
    const params = schemaParams({
      input: { oneOf: [{ properties: { prompt: {}, raw: {} } }, { properties: { messages: {} } }, { properties: { requests: {} } }] },
      output: {},
    });
    expect([...params!].sort()).toEqual(['messages', 'prompt', 'raw']);
    expect(schemaParams(null)).toBeUndefined();
    expect(schemaParams({ input: { type: 'object' }, output: {} })).toBeUndefined();
  });

  it('gpt-oss: a Responses `input` form is the Responses dialect; the catalog flags still decide tools and reasoning', () => {
    const entry = catalogModel('@cf/openai/gpt-oss-20b', 'Text Generation', { function_calling: 'true', reasoning: 'true' });
    const p = chatProfile('@cf/openai/gpt-oss-20b', entry, { input: { oneOf: [{ properties: { messages: {}, raw: {} } }, { properties: { input: {}, reasoning: {} } }] }, output: {} });
    expect(p).toMatchObject({ api: 'responses', tools: true, reasoning: true, json: 'responses' });
  });
});
