/**
 * The proxy's own /openapi.json against its real answers: every route is called (with the
 * document's own request examples where it has one), and each answer, success or error, stream
 * event or NDJSON line, is validated against the schema the document declares for that route,
 * status and content type. The Ollama routes must answer {error: string}, the others OpenAI's error.
 */
import { env as poolEnv } from 'cloudflare:test';
import { Validator } from '@cfworker/json-schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/docs/endpoints';
import { wav } from '../support/audio';
import { png } from '../support/images';
import { call, KEY } from '../support/http';
import { uid } from '../support/rag';
import type { Env } from '../../src/env';

type Json = Record<string, any>;
let doc: Json;
// The emulator transport: every model family of the catalog, RAG on its in-memory stand-ins.
const env = { AI_TRANSPORT: 'emulator', PROXY_API_KEY: KEY, LOG_REQUESTS: 'false', RESPONSES_STORE: (poolEnv as any).RESPONSES_STORE_KV, IMAGES_BUCKET: (poolEnv as any).IMAGES_BUCKET } as Env;

beforeAll(async () => {
  const res = await call(env, '/openapi.json', { anonymous: true });
  doc = await res.json();
});

const op = (method: string, path: string) => doc.paths[path]?.[method] as Json;

function validate(schema: Json, value: unknown, where: string) {
  const result = new Validator({ ...schema, components: doc.components } as any, '2020-12', false).validate(value);
  if (!result.valid) throw new Error(`${where}: ${JSON.stringify(value).slice(0, 300)}\n${result.errors.slice(0, 4).map((e) => `${e.instanceLocation} ${e.error}`).join('\n')}`);
}

/** Checks one answer against the document: status, content type, body (or each event / line). */
async function check(method: string, path: string, res: Response) {
  const where = `${method.toUpperCase()} ${path} -> ${res.status}`;
  const declared = op(method, path).responses;
  const response = declared[res.status] ?? declared.default;
  expect(response, where).toBeDefined();
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const media = response.content?.[type];
  expect(media, `${where}: content type ${type} not declared (${Object.keys(response.content ?? {}).join(', ')})`).toBeDefined();
  const text = await res.text();
  if (media['x-item-schema']) {
    const items =
      type === 'text/event-stream'
        ? text.split('\n\n').filter(Boolean).map((block) => block.split('\n').find((l) => l.startsWith('data: '))!.slice(6)).filter((d) => d !== '[DONE]')
        : text.split('\n').filter(Boolean);
    expect(items.length, where).toBeGreaterThan(0);
    for (const item of items) {
      const parsed = JSON.parse(item);
      // A failure mid-stream is an error event (OpenAI's error object, or Ollama's {error}).
      if (parsed.error && !parsed.type) throw new Error(`${where}: stream error ${item}`);
      validate(media['x-item-schema'], parsed, `${where} event`);
    }
  } else if (media.schema?.$ref) {
    validate(media.schema, JSON.parse(text), where);
  } else {
    expect(typeof text, where).toBe('string');
  }
  return { status: res.status, text };
}

const example = (method: string, path: string) => op(method, path).requestBody.content[Object.keys(op(method, path).requestBody.content)[0]!].example;
const form = (fields: Json, files: Record<string, File>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, String(v));
  for (const [k, v] of Object.entries(files)) f.append(k, v);
  return f;
};

describe('/openapi.json describes the real answers', () => {
  it('declares a 200 schema for every route, the right error shape, and the query parameters', () => {
    for (const e of ENDPOINTS) {
      const o = op(e.method, e.path);
      expect(Object.keys(o.responses[200].content ?? {}).length, `${e.method} ${e.path}`).toBeGreaterThan(0);
      const error = o.responses.default.content['application/json'].schema.$ref;
      expect(error, `${e.method} ${e.path}`).toBe(`#/components/schemas/${e.path.startsWith('/api/') ? 'OllamaError' : e.path.startsWith('/v1/messages') ? 'AnthropicError' : 'Error'}`);
    }
    expect(op('get', '/v1/models').parameters).toContainEqual(expect.objectContaining({ name: 'protocol', in: 'query', required: false, schema: expect.objectContaining({ enum: expect.arrayContaining(['openai-chat', 'openai-speech']) }) }));
  });

  it('every JSON-body example succeeds, and its answer (and stream) fits the declared schemas', async () => {
    for (const e of ENDPOINTS.filter((x) => x.body?.type === 'application/json')) {
      const body = example(e.method, e.path);
      expect(body, `${e.path} has an example`).toBeDefined();
      if (e.path === '/v1/rag/documents/delete') await check('post', '/v1/rag/documents', await call(env, '/v1/rag/documents', { body: example('post', '/v1/rag/documents') }));
      const { status } = await check(e.method, e.path, await call(env, e.path, { method: e.method.toUpperCase(), body }));
      expect(status, `${e.method} ${e.path}`).toBe(200);
      const streams = Object.values<Json>(op(e.method, e.path).responses[200].content).some((m) => m['x-item-schema']);
      if (streams) {
        const res = await call(env, e.path, { method: e.method.toUpperCase(), body: { ...body, stream: true } });
        expect(res.status, `${e.path} stream`).toBe(200);
        await check(e.method, e.path, res);
      }
    }
  });

  it('the GET, DELETE and multipart routes answer what the document says', async () => {
    const get = async (path: string, template = path, opts = {}) => check('get', template, await call(env, path, opts));
    for (const path of ['/v1/models', '/api/version', '/api/tags', '/api/ps', '/health', '/', '/docs', '/openapi.json']) expect((await get(path)).status, path).toBe(200);
    expect((await get('/v1/models?protocol=openai-embeddings', '/v1/models')).status).toBe(200);
    expect((await get('/v1/models/@cf/meta/llama-3.1-8b-instruct-fast', '/v1/models/{model}')).status).toBe(200);

    const created = JSON.parse((await check('post', '/v1/responses', await call(env, '/v1/responses', { body: example('post', '/v1/responses') }))).text);
    expect((await get(`/v1/responses/${created.id}`, '/v1/responses/{response_id}')).status).toBe(200);
    expect((await check('delete', '/v1/responses/{response_id}', await call(env, `/v1/responses/${created.id}`, { method: 'DELETE' }))).status).toBe(200);

    const id = `docs/${uid()}.md`;
    await call(env, '/v1/rag/documents', { body: { documents: [{ id, text: 'A lighthouse guides ships.' }] } });
    expect((await check('delete', '/v1/rag/documents/{id}', await call(env, `/v1/rag/documents/${id}`, { method: 'DELETE' }))).status).toBe(200);

    const image = await check('post', '/v1/images/generations', await call(env, '/v1/images/generations', { body: { model: '@cf/black-forest-labs/flux-1-schnell', prompt: 'a lighthouse', response_format: 'url' } }));
    const url = new URL(JSON.parse(image.text).data[0].url);
    expect((await get(url.pathname, '/v1/images/files/{file}', { anonymous: true })).status).toBe(200);

    const audio = new File([wav(1)], 'a.wav', { type: 'audio/wav' });
    for (const path of ['/v1/audio/transcriptions', '/v1/audio/translations']) {
      for (const format of ['json', 'verbose_json', 'srt']) {
        const res = await call(env, path, { method: 'POST', raw: form({ ...example('post', path), response_format: format }, { file: audio }) });
        expect((await check('post', path, res)).status, `${path} ${format}`).toBe(200);
      }
    }
    const photo = new File([png(64, 64, [200, 40, 40])], 'photo.png', { type: 'image/png' });
    const edit = await call(env, '/v1/images/edits', { method: 'POST', raw: form(example('post', '/v1/images/edits'), { image: photo }) });
    expect((await check('post', '/v1/images/edits', edit)).status).toBe(200);
  });

  it('errors have the declared shape: OpenAI on /v1, {error: string} on the Ollama routes', async () => {
    for (const e of ENDPOINTS.filter((x) => !x.public)) {
      const path = e.path.replace(/\{\w+\}/g, 'x');
      const unauthorized = await call(env, path, { method: e.method.toUpperCase(), anonymous: true, ...(e.body?.type === 'application/json' && { body: {} }) });
      expect(unauthorized.status, `${e.method} ${path}`).toBe(401);
      await check(e.method, e.path, unauthorized);
      if (e.body?.type === 'application/json') {
        const bad = await call(env, path, { method: e.method.toUpperCase(), raw: '{"model": 1', headers: { 'content-type': 'application/json' } });
        expect(bad.status, `${e.method} ${path} bad JSON`).toBe(400);
        const { text } = await check(e.method, e.path, bad);
        if (e.path.startsWith('/api/')) expect(Object.keys(JSON.parse(text))).toEqual(['error']);
      }
    }
  });
});
