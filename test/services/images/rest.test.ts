/** Images over the REST transport: binary bodies, multipart uploads, and classification by /ai/models/schema. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { call, expectError, jsonOf, postJson } from '../../support/http';
import { REST_TOKEN, fakeCloudflareApi, restEnv } from '../../support/fake-rest';
import { IMAGE_CATALOG, IMG2IMG, JPEG, JPEG_B64, KLEIN, NEWCOMER, SCHNELL, SDXL, UPSCALER, bytesOfItem, png, pngSize } from '../../support/images';

const TOKEN = REST_TOKEN;
const env = () => restEnv();

/** Schemas as /ai/models/schema serves them, for the two models the built-in table does not know. */
const SCHEMAS: Record<string, object> = {
  [NEWCOMER]: {
    input: {
      type: 'object',
      properties: { prompt: { type: 'string', minLength: 1, maxLength: 500 }, width: { type: 'integer', minimum: 256, maximum: 1024 }, height: { type: 'integer', minimum: 256, maximum: 1024 } },
      required: ['prompt'],
    },
    output: { type: 'string', contentType: 'image/jpeg', format: 'binary' },
  },
  [UPSCALER]: {
    input: { type: 'object', properties: { image: { type: 'array', items: { type: 'number' } }, scale: { type: 'integer' } }, required: ['image'] },
    output: { type: 'string', contentType: 'image/png', format: 'binary' },
  },
};

function install(run?: (model: string, body: any) => object | Response) {
  const api = fakeCloudflareApi({
    token: TOKEN,
    account: 'acct1',
    catalog: IMAGE_CATALOG,
    schema: (model) => SCHEMAS[model] ?? null,
    run: run ?? ((model) => (model === SCHNELL || model === KLEIN ? { image: JPEG_B64 } : new Response(JPEG, { headers: { 'content-type': 'image/jpeg' } }))),
  });
  vi.spyOn(globalThis, 'fetch').mockImplementation(api.fetch);
  return api;
}
const schemaLookups = (api: ReturnType<typeof fakeCloudflareApi>) => api.seen.filter((r) => r.url.pathname.endsWith('/models/schema')).map((r) => r.url.searchParams.get('model'));

describe('images over REST', () => {
  afterEach(() => vi.restoreAllMocks());

  it('passes a binary PNG body through as the image', async () => {
    install(() => new Response(png(320, 256, [1, 2, 3]), { headers: { 'content-type': 'image/png' } }));
    const body = await jsonOf(await postJson(env(), '/v1/images/generations', { prompt: 'x', model: SDXL, size: '320x256', response_format: 'b64_json' }), 'ImagesResponse');
    expect(pngSize(bytesOfItem(body.data[0]))).toBe('320x256');
  });

  it('posts FLUX.2 input as the multipart body itself, with its boundary', async () => {
    const api = install();
    const body = await jsonOf(await postJson(env(), '/v1/images/generations', { prompt: 'a lake', model: KLEIN, size: '512x512', response_format: 'b64_json' }), 'ImagesResponse');
    expect(bytesOfItem(body.data[0])).toEqual(JPEG);
    const run = api.seen.find((r) => r.method === 'POST')!;
    expect(run.url.pathname).toBe(`/client/v4/accounts/acct1/ai/run/${KLEIN}`);
    expect(run.body).toBeInstanceOf(FormData);
    expect([...(run.body as FormData).entries()]).toEqual([['prompt', 'a lake'], ['width', '512'], ['height', '512']]);
  });

  it('classifies unknown models by their schema: limits from it, image-only models excluded', async () => {
    const api = install();
    const listed = (await jsonOf(await call(env(), '/v1/models?protocol=openai-images'), 'ListModelsResponse')).data.map((m: any) => m.id);
    expect(listed).toContain(NEWCOMER);
    expect(listed).not.toContain(UPSCALER);
    expect(listed).not.toContain(IMG2IMG);
    const body = await jsonOf(await postJson(env(), '/v1/images/generations', { prompt: 'x', model: NEWCOMER, size: '1024x512', response_format: 'b64_json' }), 'ImagesResponse');
    expect(bytesOfItem(body.data[0])).toEqual(JPEG);
    expect(api.seen.find((r) => r.method === 'POST')!.body).toEqual({ prompt: 'x', width: 1024, height: 512 });
    await expectError(await postJson(env(), '/v1/images/generations', { prompt: 'x', model: NEWCOMER, size: '2048x2048' }), 400, { param: 'size', message: /from 256 to 1024 pixels/ });
    await expectError(await postJson(env(), '/v1/images/generations', { prompt: 'x'.repeat(501), model: NEWCOMER }), 400, { param: 'prompt', message: /at most 500/ });
    await expectError(await postJson(env(), '/v1/images/generations', { prompt: 'x', model: UPSCALER }), 400, { code: 'model_not_supported', message: /does not make images from a prompt/ });
  });

  it('reads each unknown model schema once per isolate, and never for models the built-in table knows', async () => {
    const api = install();
    const e = env();
    await call(e, '/v1/models?protocol=openai-images');
    await call(e, '/v1/models');
    await postJson(e, '/v1/images/generations', { prompt: 'x', model: NEWCOMER });
    await postJson(e, '/v1/images/generations', { prompt: 'x', model: SDXL });
    // The full list also reads the speech model's schema (WebSocket-only models are left out: src/services/models/speech.ts).
    expect(schemaLookups(api).sort()).toEqual([NEWCOMER, UPSCALER, '@cf/openai/whisper'].sort());
  });

  it('a failing schema endpoint falls back to the model name', async () => {
    const api = fakeCloudflareApi({ token: TOKEN, account: 'acct1', catalog: IMAGE_CATALOG, run: () => new Response(JPEG, { headers: { 'content-type': 'image/jpeg' } }) });
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      const url = new Request(input, init).url;
      if (url.includes('/models/schema')) return Response.json({ success: false, errors: [{ code: 7000, message: 'down' }] }, { status: 500 });
      return api.fetch(input, init);
    });
    const listed = (await jsonOf(await call(env(), '/v1/models?protocol=openai-images'))).data.map((m: any) => m.id);
    expect(listed).toContain(NEWCOMER);
    // "upscaler" in its name keeps it out even without a schema.
    expect(listed).not.toContain(UPSCALER);
    const body = await jsonOf(await postJson(env(), '/v1/images/generations', { prompt: 'x', model: NEWCOMER, response_format: 'b64_json' }), 'ImagesResponse');
    expect(bytesOfItem(body.data[0])).toEqual(JPEG);
  });

  it('upstream errors keep their meaning', async () => {
    const api = fakeCloudflareApi({ token: TOKEN, account: 'acct1', catalog: IMAGE_CATALOG });
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
      if (new Request(input, init).method === 'POST') return api.failure(429, 3040, 'Capacity temporarily exceeded, please try again.');
      return api.fetch(input, init);
    });
    await expectError(await postJson(env(), '/v1/images/generations', { prompt: 'x', model: SDXL }), 429, { code: 'upstream_overloaded' });
  });
});
