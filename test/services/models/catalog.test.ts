import { describe, expect, it } from 'vitest';
import { fakeAI } from '../../support/fake-ai';
import { bindingEnv, call, expectError, jsonOf } from '../../support/http';
import { TEST_CATALOG } from '../../support/catalog';

describe('GET /v1/models', () => {
  it('lists the catalog models an OpenAI endpoint can serve, as spec-valid model objects', async () => {
    const body = await jsonOf(await call(bindingEnv(), '/v1/models'), 'ListModelsResponse');
    const ids = body.data.map((m: any) => m.id);
    expect(ids).toEqual([
      '@cf/meta/llama-3.1-8b-instruct',
      '@cf/meta/llama-3.1-8b-instruct-fast',
      '@cf/meta/llama-3.3-70b-instruct-fp8-fast',
      '@cf/mistral/mistral-7b-instruct-v0.1',
      '@cf/baai/bge-base-en-v1.5',
      '@cf/black-forest-labs/flux-1-schnell',
      '@cf/openai/whisper',
      '@cf/myshell-ai/melotts',
      '@cf/meta/llama-4-scout-17b-16e-instruct',
      '@cf/qwen/qwen3-30b-a3b-fp8',
      '@cf/deepseek-ai/deepseek-r1-distill-qwen-32b',
      '@cf/qwen/qwq-32b',
      '@cf/openai/gpt-oss-120b',
      '@cf/meta/llama-3.2-11b-vision-instruct',
      '@cf/google/gemma-3-12b-it',
      '@cf/mistralai/mistral-small-3.1-24b-instruct',
      '@cf/moonshotai/kimi-k2.6',
      '@cf/llava-hf/llava-1.5-7b-hf',
      // model: "auto" picks one of the chat models per request (services/chat/auto.ts).
      'auto',
    ]);
    // Classification and translation models have no OpenAI endpoint.
    expect(ids).not.toContain('@cf/huggingface/distilbert-sst-2-int8');
    expect(body.data[0]).toEqual({
      id: '@cf/meta/llama-3.1-8b-instruct',
      object: 'model',
      created: Date.UTC(2024, 6, 23, 12) / 1000,
      owned_by: 'meta',
      deprecation_date: null,
      requires_paid_plan: false,
    });
  });

  it.each([
    [
      'openai-chat',
      [
        '@cf/meta/llama-3.1-8b-instruct',
        '@cf/meta/llama-3.1-8b-instruct-fast',
        '@cf/meta/llama-3.3-70b-instruct-fp8-fast',
        '@cf/mistral/mistral-7b-instruct-v0.1',
        '@cf/meta/llama-4-scout-17b-16e-instruct',
        '@cf/qwen/qwen3-30b-a3b-fp8',
        '@cf/deepseek-ai/deepseek-r1-distill-qwen-32b',
        '@cf/qwen/qwq-32b',
        '@cf/openai/gpt-oss-120b',
        '@cf/meta/llama-3.2-11b-vision-instruct',
        '@cf/google/gemma-3-12b-it',
        '@cf/mistralai/mistral-small-3.1-24b-instruct',
        '@cf/moonshotai/kimi-k2.6',
        '@cf/llava-hf/llava-1.5-7b-hf',
        'auto',
      ],
    ],
    ['openai-embeddings', ['@cf/baai/bge-base-en-v1.5']],
    ['openai-images', ['@cf/black-forest-labs/flux-1-schnell']],
    ['openai-audio', ['@cf/openai/whisper', '@cf/myshell-ai/melotts']],
  ])('?protocol=%s filters by task', async (protocol, expected) => {
    const body = await jsonOf(await call(bindingEnv(), `/v1/models?protocol=${protocol}`), 'ListModelsResponse');
    expect(body.data.map((m: any) => m.id)).toEqual(expected);
  });

  it('rejects an unknown protocol with 400', async () => {
    await expectError(await call(bindingEnv(), '/v1/models?protocol=nope'), 400, { param: 'protocol' });
  });

  it('caches the catalog instead of fetching it per request, and refreshes after the TTL', async () => {
    const ai = fakeAI();
    const env = bindingEnv(ai, { CATALOG_TTL_SECONDS: '1' });
    await call(env, '/v1/models');
    await call(env, '/v1/models');
    await call(env, '/v1/models/@cf/meta/llama-3.1-8b-instruct');
    expect(ai.modelCalls).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1100));
    await call(env, '/v1/models');
    expect(ai.modelCalls).toHaveLength(2);
  });

  it('pages through a large catalog', async () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ ...TEST_CATALOG[0]!, id: `id-${i}`, name: `@cf/test/model-${i}` }));
    const ai = fakeAI(undefined, many);
    // The fake ignores paging, so emulate it here.
    ai.models = async (params?: any) => {
      ai.modelCalls.push(params);
      const { page, per_page } = params;
      return many.slice((page - 1) * per_page, page * per_page);
    };
    const body = await jsonOf(await call(bindingEnv(ai), '/v1/models'));
    expect(body.data).toHaveLength(151);
    expect(body.data.at(-1).id).toBe('auto');
    expect(ai.modelCalls).toEqual([{ page: 1, per_page: 100 }, { page: 2, per_page: 100 }]);
  });

  it('a catalog failure is an OpenAI-shaped upstream error, not a crash', async () => {
    const ai = fakeAI();
    ai.models = async () => {
      throw new Error('10000: Authentication error');
    };
    await expectError(await call(bindingEnv(ai), '/v1/models'), 502, { code: 'upstream_auth_failed' });
  });
});

describe('GET /v1/models/{id}', () => {
  it('returns one model; ids contain slashes', async () => {
    const body = await jsonOf(await call(bindingEnv(), '/v1/models/@cf/meta/llama-3.1-8b-instruct'), 'Model');
    expect(body).toMatchObject({ id: '@cf/meta/llama-3.1-8b-instruct', object: 'model', owned_by: 'meta' });
  });

  it('answers for an alias under the alias name', async () => {
    const body = await jsonOf(await call(bindingEnv(), '/v1/models/gpt-4o-mini'), 'Model');
    expect(body.id).toBe('gpt-4o-mini');
  });

  it('404s an unknown model with model_not_found naming it', async () => {
    const err = await expectError(await call(bindingEnv(), '/v1/models/@cf/nope/nothing'), 404, { code: 'model_not_found', param: 'model' });
    expect(err.message).toContain('@cf/nope/nothing');
  });
});

describe('the emulator catalog', () => {
  it('is marked synthetic in owned_by and lists real Workers AI ids', async () => {
    const body = await jsonOf(await call({ LOG_REQUESTS: 'false' }, '/v1/models?protocol=openai-chat'), 'ListModelsResponse');
    expect(body.data.length).toBeGreaterThan(5);
    expect(body.data.filter((m: any) => m.id !== 'auto').every((m: any) => m.owned_by === 'workers-ai-emulator')).toBe(true);
    expect(body.data.map((m: any) => m.id)).toContain('@cf/meta/llama-3.1-8b-instruct-fast');
  });
});
