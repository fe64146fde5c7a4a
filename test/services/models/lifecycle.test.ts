import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MODEL_ALIASES, parseConfig } from '../../../src/config';
import type { Env } from '../../../src/env';
import { PAID_ONLY, RETIRED } from '../../../src/services/models/lifecycle.generated';
import { TEST_CATALOG, catalogModel } from '../../support/catalog';
import { bindingError, fakeAI } from '../../support/fake-ai';
import { fakeCloudflareApi, restEnv } from '../../support/fake-rest';
import { bindingEnv, call, expectError, jsonOf, postJson } from '../../support/http';

const FAST = '@cf/meta/llama-3.1-8b-instruct-fast';
const OLD_8B = '@cf/meta/llama-3.1-8b-instruct';
const GLM = '@cf/zai-org/glm-4.7-flash';
const chatBody = (model: string) => ({ model, messages: [{ role: 'user', content: 'Hi' }] });

/** The test catalog as it is after 2026-05-30: the old 8B default is gone. */
const today = () => TEST_CATALOG.filter((m) => m.name !== OLD_8B);
const withModels = (...extra: ReturnType<typeof catalogModel>[]) => [...today(), ...extra];

afterEach(() => vi.restoreAllMocks());

describe('default aliases on today\'s catalog', () => {
  it.each(['gpt-4o-mini', 'gpt-3.5-turbo', 'gpt-4.1-mini'])('%s answers on a catalog without the retired 8B model', async (alias) => {
    const ai = fakeAI(undefined, today());
    const body = await jsonOf(await postJson(bindingEnv(ai), '/v1/chat/completions', chatBody(alias)), 'CreateChatCompletionResponse');
    expect(ai.calls[0]!.model).toBe(FAST);
    expect(body.model).toBe(alias);
  });

  it('no default alias, RAG or image default points at a retired or paid-only model', () => {
    const config = parseConfig({} as Env);
    const targets = [...Object.values(DEFAULT_MODEL_ALIASES).flat(), config.ragChatModel, config.ragEmbeddingModel, config.defaultImageModel];
    expect(targets.filter((id) => Object.hasOwn(RETIRED, id) || PAID_ONLY.includes(id))).toEqual([]);
    expect(config.ragChatModel).toBe(FAST);
  });
});

describe('self-healing aliases', () => {
  it('takes the next live model of a configured replacement chain, with one log line', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const ai = fakeAI(undefined, withModels(catalogModel(GLM, 'Text Generation')));
    const env = bindingEnv(ai, { MODEL_ALIASES: JSON.stringify({ house: ['@cf/nope/gone', GLM] }) });
    for (let i = 0; i < 3; i++) expect((await postJson(env, '/v1/chat/completions', chatBody('house'))).status).toBe(200);
    expect(ai.calls.map((c) => c.model)).toEqual([GLM, GLM, GLM]);
    const moves = warn.mock.calls.map((c) => String(c[0])).filter((l) => l.includes('model alias moved'));
    expect(moves).toHaveLength(1);
    expect(JSON.parse(moves[0]!)).toMatchObject({ alias: 'house', from: '@cf/nope/gone', to: GLM, via: 'replacement chain' });
  });

  it('moves an alias whose target was retired to the documented successor', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const ai = fakeAI(undefined, today());
    const env = bindingEnv(ai, { MODEL_ALIASES: JSON.stringify({ 'gpt-4o-mini': OLD_8B }) });
    expect((await postJson(env, '/v1/chat/completions', chatBody('gpt-4o-mini'))).status).toBe(200);
    expect(ai.calls[0]!.model).toBe(FAST);
    expect(warn.mock.calls.map((c) => String(c[0])).find((l) => l.includes('model alias moved'))).toMatch(/documented successor/);
  });

  it('moves an alias whose target is past its planned_deprecation_date, even while the catalog lists it', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const dated = catalogModel('@cf/test/old-chat', 'Text Generation', { planned_deprecation_date: '2026-01-01' });
    const ai = fakeAI(undefined, withModels(dated));
    const env = bindingEnv(ai, { MODEL_ALIASES: JSON.stringify({ mine: ['@cf/test/old-chat', FAST] }) });
    expect((await postJson(env, '/v1/chat/completions', chatBody('mine'))).status).toBe(200);
    expect(ai.calls[0]!.model).toBe(FAST);
  });

  it('refuses a malformed chain at startup as a proxy misconfiguration', async () => {
    const env = bindingEnv(fakeAI(), { MODEL_ALIASES: JSON.stringify({ mine: [FAST, 3] }) });
    await expectError(await postJson(env, '/v1/chat/completions', chatBody('mine')), 500, { code: 'proxy_misconfigured', message: /array of model ids/ });
  });
});

describe('retired models named directly', () => {
  it.each([
    [OLD_8B, FAST],
    ['llama-3.1-8b-instruct', FAST],
    ['@cf/google/gemma-3-12b-it', '@cf/google/gemma-4-26b-a4b-it'],
  ])('%s is a 410 model_deprecated naming %s', async (model, replacement) => {
    const catalog = withModels(catalogModel('@cf/google/gemma-4-26b-a4b-it', 'Text Generation')).filter((m) => m.name !== '@cf/google/gemma-3-12b-it');
    const ai = fakeAI(undefined, catalog);
    const err = await expectError(await postJson(bindingEnv(ai), '/v1/chat/completions', chatBody(model)), 410, {
      code: 'model_deprecated',
      type: 'invalid_request_error',
      param: 'model',
    });
    expect(err.message).toContain(`\`${replacement}\``);
    expect(err.message).toContain('2026-05-30');
    expect(ai.calls).toHaveLength(0);
  });

  it('a catalog entry past its planned_deprecation_date is a 410 too, and is not listed', async () => {
    const dated = catalogModel('@cf/test/old-chat', 'Text Generation', { planned_deprecation_date: '2026-01-01' });
    const env = bindingEnv(fakeAI(undefined, withModels(dated)));
    await expectError(await postJson(env, '/v1/chat/completions', chatBody('@cf/test/old-chat')), 410, { code: 'model_deprecated', message: /2026-01-01.*no replacement/ });
    await expectError(await call(env, '/v1/models/@cf/test/old-chat'), 410, { code: 'model_deprecated' });
    const list = await jsonOf(await call(env, '/v1/models'), 'ListModelsResponse');
    expect(list.data.map((m: any) => m.id)).not.toContain('@cf/test/old-chat');
  });

  it('with the catalog unreachable, the upstream 5028 becomes the same 410 naming the successor', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const ai = fakeAI(() => {
      throw bindingError(5028, 'This model was deprecated on 2026-05-30');
    });
    ai.models = async () => {
      throw new Error('3007: timeout');
    };
    const err = await expectError(await postJson(bindingEnv(ai), '/v1/chat/completions', chatBody(OLD_8B)), 410, { code: 'model_deprecated' });
    expect(err.message).toContain(`\`${FAST}\``);
  });

  it('applies on every surface: embeddings, Ollama', async () => {
    const env = bindingEnv(fakeAI(undefined, today()));
    await expectError(await postJson(env, '/v1/embeddings', { model: OLD_8B, input: 'x' }), 410, { code: 'model_deprecated' });
    const res = await postJson(env, '/api/chat', { model: `${OLD_8B}:latest`, messages: [{ role: 'user', content: 'Hi' }] });
    expect(res.status).toBe(410);
    expect(((await res.json()) as { error: string }).error).toContain(FAST);
  });
});

describe('deprecation dates and paid-only models', () => {
  const planned = catalogModel('@cf/test/sunsetting', 'Text Generation', { planned_deprecation_date: '2099-03-01' });
  const paid = catalogModel('@cf/moonshotai/kimi-k2.7-code', 'Text Generation', { require_workers_paid: 'true' });
  // No require_workers_paid property: the changelog's list says so.
  const paidByList = catalogModel('@cf/zai-org/glm-5.2', 'Text Generation');

  it('/v1/models shows deprecation_date and requires_paid_plan on spec-valid model objects', async () => {
    const body = await jsonOf(await call(bindingEnv(fakeAI(undefined, withModels(planned, paid, paidByList))), '/v1/models'), 'ListModelsResponse');
    const byId = Object.fromEntries(body.data.map((m: any) => [m.id, m]));
    expect(byId['@cf/test/sunsetting']).toMatchObject({ object: 'model', deprecation_date: '2099-03-01', requires_paid_plan: false });
    expect(byId['@cf/moonshotai/kimi-k2.7-code']).toMatchObject({ deprecation_date: null, requires_paid_plan: true });
    expect(byId['@cf/zai-org/glm-5.2']).toMatchObject({ requires_paid_plan: true });
    expect(byId[FAST]).toMatchObject({ deprecation_date: null, requires_paid_plan: false });
  });

  it('a response from a model with a planned date carries Deprecation (RFC 9745) and Sunset (RFC 8594)', async () => {
    const env = bindingEnv(fakeAI(undefined, withModels(planned)), { MODEL_ALIASES: JSON.stringify({ soon: '@cf/test/sunsetting' }) });
    for (const model of ['@cf/test/sunsetting', 'soon']) {
      const res = await postJson(env, '/v1/chat/completions', chatBody(model));
      expect(res.status).toBe(200);
      expect(res.headers.get('deprecation')).toBe(`@${Date.UTC(2099, 2, 1) / 1000}`);
      expect(res.headers.get('sunset')).toBe('Sun, 01 Mar 2099 00:00:00 GMT');
    }
    const streamed = await postJson(env, '/v1/chat/completions', { ...chatBody('@cf/test/sunsetting'), stream: true });
    expect(streamed.headers.get('sunset')).toBe('Sun, 01 Mar 2099 00:00:00 GMT');
    await streamed.body?.cancel();
    const plain = await postJson(env, '/v1/chat/completions', chatBody(FAST));
    expect(plain.headers.get('deprecation')).toBeNull();
    expect(plain.headers.get('sunset')).toBeNull();
  });
});

describe('catalog hygiene', () => {
  const clef = catalogModel('@cf/cloudflare/clef', 'Text Generation', { context_window: '65536', vision: 'true' });
  const flux = catalogModel('@cf/deepgram/flux', 'Automatic Speech Recognition', { realtime: 'true' });
  const nemotron = catalogModel('@cf/nvidia/nemotron-speech-streaming', 'Automatic Speech Recognition', { realtime: 'true' });
  const turn = catalogModel('@cf/pipecat-ai/smart-turn-v2', 'Voice Activity Detection', { realtime: 'true' });
  const whisper = catalogModel('@cf/openai/whisper-large-v3-turbo', 'Automatic Speech Recognition');

  it('decision, WebSocket-only and turn-detection models are listed for no endpoint (binding: by name)', async () => {
    const body = await jsonOf(await call(bindingEnv(fakeAI(undefined, withModels(clef, flux, nemotron, turn))), '/v1/models'), 'ListModelsResponse');
    const ids = body.data.map((m: any) => m.id);
    for (const id of [clef.name, flux.name, nemotron.name, turn.name]) expect(ids).not.toContain(id);
  });

  it('refuses them with a 400 that says why', async () => {
    const env = bindingEnv(fakeAI(undefined, withModels(clef, flux)));
    await expectError(await postJson(env, '/v1/chat/completions', chatBody(clef.name)), 400, { code: 'model_not_supported', param: 'model', message: /decision model/ });
    const form = new FormData();
    form.set('model', flux.name);
    form.set('file', new File([new Uint8Array(64)], 'a.wav', { type: 'audio/wav' }));
    await expectError(await call(env, '/v1/audio/transcriptions', { method: 'POST', raw: form }), 400, { code: 'model_not_supported', message: /WebSocket/ });
  });

  it('on REST the schema decides: no messages/prompt is not chat, no audio input is not a file model', async () => {
    const schemas: Record<string, object> = {
      '@cf/test/decider': { input: { type: 'object', properties: { model: {}, state: {}, questions: { type: 'object' } }, required: ['state', 'questions'] }, output: { type: 'object' } },
      '@cf/test/ws-asr': { input: { type: 'object', properties: { encoding: { type: 'string' }, sample_rate: { type: 'string' } } }, output: { type: 'object', description: 'Output will be returned as websocket messages.' } },
      [whisper.name]: { input: { type: 'object', properties: { audio: { type: 'string' } } }, output: { type: 'object' } },
    };
    const catalog = withModels(catalogModel('@cf/test/decider', 'Text Generation'), catalogModel('@cf/test/ws-asr', 'Automatic Speech Recognition'), whisper);
    const api = fakeCloudflareApi({ token: restEnv().CLOUDFLARE_API_TOKEN, account: 'acct1', catalog, schema: (m) => schemas[m] ?? { input: { type: 'object' }, output: { type: 'object' } } });
    vi.spyOn(globalThis, 'fetch').mockImplementation(api.fetch);
    const env = restEnv();
    await expectError(await postJson(env, '/v1/chat/completions', chatBody('@cf/test/decider')), 400, { code: 'model_not_supported', message: /decision model/ });
    const asr = await jsonOf(await call(env, '/v1/models?protocol=openai-transcriptions'), 'ListModelsResponse');
    expect(asr.data.map((m: any) => m.id)).toContain(whisper.name);
    expect(asr.data.map((m: any) => m.id)).not.toContain('@cf/test/ws-asr');
  });
});
