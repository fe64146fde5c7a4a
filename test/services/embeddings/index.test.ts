import { afterEach, describe, expect, it, vi } from 'vitest';
import { createEmulator } from '../../../src/dev/emulator';
import { expectSchema } from '../../openapi/validate';
import { fakeAI } from '../../support/fake-ai';
import { fakeCloudflareApi, restEnv } from '../../support/fake-rest';
import { bindingEnv, call, jsonOf, postJson } from '../../support/http';
import { CATALOG_WITH_MORE } from '../../support/more-models';

const DIMS: Record<string, number> = {
  '@cf/baai/bge-small-en-v1.5': 384,
  '@cf/baai/bge-base-en-v1.5': 768,
  '@cf/baai/bge-m3': 1024,
  '@cf/google/embeddinggemma-300m': 768,
  '@cf/qwen/qwen3-embedding-0.6b': 1024,
  '@cf/pfnet/plamo-embedding-1b': 2048,
};

/** A deterministic, not unit-length vector of float64 values (not exactly representable as float32). */
function vectorOf(text: string, dims: number): number[] {
  let seed = 7;
  for (let i = 0; i < text.length; i++) seed = (seed * 31 + text.charCodeAt(i)) % 10007;
  return Array.from({ length: dims }, (_, i) => Math.sin(seed + i * 1.234567) * 0.3 + 0.01);
}

/** What Workers AI embedding models answer: `{shape, data}` (bge adds `pooling`). */
function embedAnswer(model: string, inputs: Record<string, any>) {
  const texts: string[] = typeof inputs.text === 'string' ? [inputs.text] : inputs.text;
  const dims = DIMS[model]!;
  return { shape: [texts.length, dims], data: texts.map((t) => vectorOf(t, dims)), ...(model.includes('/bge-') && { pooling: 'mean' }) };
}

const env = (handler = embedAnswer) => bindingEnv(fakeAI(handler, CATALOG_WITH_MORE));
const embed = (body: unknown, e = env()) => postJson(e, '/v1/embeddings', body);

/** Decodes base64 float32 little-endian, as openai-node does. */
function decode(b64: string): number[] {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  expect(bytes.length % 4).toBe(0);
  const view = new DataView(bytes.buffer);
  return Array.from({ length: bytes.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

const norm = (v: number[]) => Math.hypot(...v);

describe('POST /v1/embeddings', () => {
  it('embeds a string: spec-valid list, the upstream floats, the requested model name, estimated usage', async () => {
    const ai = fakeAI(embedAnswer, CATALOG_WITH_MORE);
    const body = await jsonOf(await embed({ model: '@cf/baai/bge-base-en-v1.5', input: 'The quick brown fox' }, bindingEnv(ai)), 'CreateEmbeddingResponse');
    expect(body.object).toBe('list');
    expect(body.model).toBe('@cf/baai/bge-base-en-v1.5');
    expect(body.data).toEqual([{ object: 'embedding', index: 0, embedding: vectorOf('The quick brown fox', 768) }]);
    // 19 characters, about 4 per token.
    expect(body.usage).toEqual({ prompt_tokens: 5, total_tokens: 5, cost: null, neurons: null });
    expect(ai.calls).toEqual([{ model: '@cf/baai/bge-base-en-v1.5', inputs: { text: ['The quick brown fox'] }, options: expect.anything() }]);
  });

  it('embeds an array in order, each with its index', async () => {
    const input = ['alpha', 'beta', 'gamma'];
    const body = await jsonOf(await embed({ model: '@cf/baai/bge-base-en-v1.5', input }), 'CreateEmbeddingResponse');
    expect(body.data.map((d: any) => d.index)).toEqual([0, 1, 2]);
    expect(body.data.map((d: any) => d.embedding)).toEqual(input.map((t) => vectorOf(t, 768)));
  });

  it('answers to the OpenAI names (text-embedding-3-small -> bge-small) and echoes them', async () => {
    const ai = fakeAI(embedAnswer, CATALOG_WITH_MORE);
    const body = await jsonOf(await embed({ model: 'text-embedding-3-small', input: 'hi' }, bindingEnv(ai)), 'CreateEmbeddingResponse');
    expect(body.model).toBe('text-embedding-3-small');
    expect(body.data[0].embedding).toHaveLength(384);
    expect(ai.calls[0]!.model).toBe('@cf/baai/bge-small-en-v1.5');
  });

  it('uses the token count Workers AI reports, when it reports one', async () => {
    const body = await jsonOf(
      await embed({ model: '@cf/baai/bge-base-en-v1.5', input: ['a', 'b'] }, env((m, i) => ({ ...embedAnswer(m, i), usage: { prompt_tokens: 42 } }))),
      'CreateEmbeddingResponse',
    );
    expect(body.usage).toEqual({ prompt_tokens: 42, total_tokens: 42, cost: null, neurons: null });
  });

  it('encoding_format base64: little-endian float32 bytes of the upstream floats, for every model', async () => {
    for (const model of Object.keys(DIMS)) {
      const input = ['first text', 'second text'];
      const res = await embed({ model, input, encoding_format: 'base64' });
      const body = await res.json<any>();
      expect(body.data.map((d: any) => typeof d.embedding)).toEqual(['string', 'string']);
      const decoded = { ...body, data: body.data.map((d: any) => ({ ...d, embedding: decode(d.embedding) })) };
      expectSchema('CreateEmbeddingResponse', decoded);
      decoded.data.forEach((d: any, i: number) => {
        expect(d.embedding).toEqual(vectorOf(input[i]!, DIMS[model]!).map(Math.fround));
      });
    }
  });

  it('encoding_format float (or null) returns number arrays', async () => {
    for (const encoding_format of ['float', null]) {
      const body = await jsonOf(await embed({ model: '@cf/baai/bge-base-en-v1.5', input: 'x', encoding_format }), 'CreateEmbeddingResponse');
      expect(Array.isArray(body.data[0].embedding)).toBe(true);
    }
  });

  it('splits a batch over the model limit (bge: 100 texts per call) and re-joins it in order', async () => {
    const input = Array.from({ length: 250 }, (_, i) => `text number ${i}`);
    const ai = fakeAI(embedAnswer, CATALOG_WITH_MORE);
    const body = await jsonOf(await embed({ model: '@cf/baai/bge-base-en-v1.5', input }, bindingEnv(ai)), 'CreateEmbeddingResponse');
    expect(ai.calls.map((c) => c.inputs.text.length)).toEqual([100, 100, 50]);
    expect(ai.calls.flatMap((c) => c.inputs.text)).toEqual(input);
    expect(body.data).toHaveLength(250);
    body.data.forEach((d: any, i: number) => {
      expect(d.index).toBe(i);
      expect(d.embedding).toEqual(vectorOf(input[i]!, 768));
    });
  });

  it('keeps the order when later sub-batches finish first, with at most 4 calls in flight', async () => {
    // qwen3-embedding takes 32 texts per call: 330 texts are 11 calls.
    const input = Array.from({ length: 330 }, (_, i) => `doc ${i}`);
    let inFlight = 0;
    let maxInFlight = 0;
    const ai = fakeAI(async (model, inputs) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // The first batches answer last.
      const batch = Number(inputs.text[0].slice(4)) / 32;
      await new Promise((r) => setTimeout(r, 5 + (10 - batch) * 3));
      inFlight--;
      return embedAnswer(model, inputs);
    }, CATALOG_WITH_MORE);
    const body = await jsonOf(await embed({ model: '@cf/qwen/qwen3-embedding-0.6b', input, encoding_format: 'base64' }, bindingEnv(ai)));
    expect(ai.calls).toHaveLength(11);
    expect(ai.calls.every((c) => c.inputs.text.length <= 32)).toBe(true);
    expect(maxInFlight).toBe(4);
    body.data.forEach((d: any, i: number) => expect(decode(d.embedding)).toEqual(vectorOf(input[i]!, 1024).map(Math.fround)));
  });

  it('a model with no documented limit is split at 32 texts', async () => {
    const ai = fakeAI(embedAnswer, CATALOG_WITH_MORE);
    const res = await embed({ model: '@cf/pfnet/plamo-embedding-1b', input: Array.from({ length: 40 }, (_, i) => `t${i}`) }, bindingEnv(ai));
    expect(res.status).toBe(200);
    expect(ai.calls.map((c) => c.inputs.text.length)).toEqual([32, 8]);
  });

  it('dimensions on a Matryoshka model (embeddinggemma) cuts the vector and re-normalises it', async () => {
    const full = vectorOf('matryoshka', 768);
    const scale = 1 / norm(full.slice(0, 256));
    const body = await jsonOf(await embed({ model: '@cf/google/embeddinggemma-300m', input: 'matryoshka', dimensions: 256 }), 'CreateEmbeddingResponse');
    const v: number[] = body.data[0].embedding;
    expect(v).toHaveLength(256);
    expect(norm(v)).toBeCloseTo(1, 12);
    v.forEach((x, i) => expect(x).toBeCloseTo(full[i]! * scale, 14));

    const b64 = await (await embed({ model: '@cf/google/embeddinggemma-300m', input: 'matryoshka', dimensions: 256, encoding_format: 'base64' })).json<any>();
    expect(decode(b64.data[0].embedding)).toEqual(v.map(Math.fround));
  });

  it('dimensions on qwen3-embedding down to 32', async () => {
    const body = await jsonOf(await embed({ model: '@cf/qwen/qwen3-embedding-0.6b', input: ['a', 'b'], dimensions: 32 }), 'CreateEmbeddingResponse');
    expect(body.data.map((d: any) => d.embedding.length)).toEqual([32, 32]);
  });

  it('dimensions equal to the native size is accepted on any model, and changes nothing', async () => {
    const body = await jsonOf(await embed({ model: '@cf/baai/bge-base-en-v1.5', input: 'same', dimensions: 768 }), 'CreateEmbeddingResponse');
    expect(body.data[0].embedding).toEqual(vectorOf('same', 768));
  });

  it('answers without the /v1 prefix', async () => {
    const res = await postJson(env(), '/embeddings', { model: '@cf/baai/bge-base-en-v1.5', input: 'x' });
    await jsonOf(res, 'CreateEmbeddingResponse');
  });
});

describe('embeddings on the emulator (npm run dev)', () => {
  const emulator = { LOG_REQUESTS: 'false' };

  it.each([
    ['@cf/baai/bge-m3', 1024],
    ['@cf/google/embeddinggemma-300m', 768],
    ['text-embedding-ada-002', 768],
  ])('%s: float and base64 agree, unit vectors', async (model, dims) => {
    const input = ['hello', 'world'];
    const floats = await jsonOf(await postJson(emulator, '/v1/embeddings', { model, input }), 'CreateEmbeddingResponse');
    const b64 = await (await postJson(emulator, '/v1/embeddings', { model, input, encoding_format: 'base64' })).json<any>();
    floats.data.forEach((d: any, i: number) => {
      expect(d.embedding).toHaveLength(dims);
      expect(norm(d.embedding)).toBeCloseTo(1, 9);
      expect(decode(b64.data[i].embedding)).toEqual(d.embedding.map(Math.fround));
    });
    expect(floats.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('splits a 150-text batch for bge (the emulator refuses more than 100 per call, as Workers AI does)', async () => {
    const input = Array.from({ length: 150 }, (_, i) => `sentence ${i}`);
    const body = await jsonOf(await postJson(emulator, '/v1/embeddings', { model: '@cf/baai/bge-small-en-v1.5', input }), 'CreateEmbeddingResponse');
    expect(body.data).toHaveLength(150);
    const single = await jsonOf(await postJson(emulator, '/v1/embeddings', { model: '@cf/baai/bge-small-en-v1.5', input: 'sentence 149' }));
    expect(body.data[149].embedding).toEqual(single.data[0].embedding);
  });

  it('the emulator refuses more texts per call than the real models take (bge 100, qwen3-embedding 32)', async () => {
    const emu = createEmulator();
    const texts = (n: number) => ({ text: Array.from({ length: n }, () => 'x') });
    await expect(emu.run('@cf/qwen/qwen3-embedding-0.6b', texts(33))).rejects.toMatchObject({ code: 5006, message: /33 > 32/ });
    await expect(emu.run('@cf/qwen/qwen3-embedding-0.6b', texts(32))).resolves.toMatchObject({ shape: [32, 1024] });
    await expect(emu.run('@cf/baai/bge-base-en-v1.5', texts(101))).rejects.toMatchObject({ code: 5006, message: /101 > 100/ });
  });

  it('splits at 32 for qwen3-embedding and honours dimensions', async () => {
    const input = Array.from({ length: 40 }, (_, i) => `q${i}`);
    const body = await jsonOf(await postJson(emulator, '/v1/embeddings', { model: '@cf/qwen/qwen3-embedding-0.6b', input, dimensions: 64 }), 'CreateEmbeddingResponse');
    expect(body.data).toHaveLength(40);
    expect(body.data[39].embedding).toHaveLength(64);
  });
});

describe('embeddings over the REST transport', () => {
  afterEach(() => vi.restoreAllMocks());

  it('unwraps the envelope and encodes base64', async () => {
    const TOKEN = 'cf-token-abcdef';
    const api = fakeCloudflareApi({ token: TOKEN, account: 'acct1', run: (model, body) => embedAnswer(model, body) });
    vi.spyOn(globalThis, 'fetch').mockImplementation(api.fetch);
    const body = await (await postJson(restEnv({ CLOUDFLARE_API_TOKEN: TOKEN }), '/v1/embeddings', { model: 'text-embedding-ada-002', input: ['x', 'y'], encoding_format: 'base64' })).json<any>();
    expect(decode(body.data[1].embedding)).toEqual(vectorOf('y', 768).map(Math.fround));
    const run = api.seen.find((r) => r.method === 'POST')!;
    expect(run.url.pathname).toBe('/client/v4/accounts/acct1/ai/run/@cf/baai/bge-base-en-v1.5');
    expect(run.body).toEqual({ text: ['x', 'y'] });
  });
});

describe('GET /v1/models for embeddings and moderations', () => {
  it('?protocol=openai-embeddings lists every Text Embeddings model', async () => {
    const body = await jsonOf(await call(env(), '/v1/models?protocol=openai-embeddings'), 'ListModelsResponse');
    expect(body.data.map((m: any) => m.id)).toEqual(['@cf/baai/bge-base-en-v1.5', ...Object.keys(DIMS).filter((m) => m !== '@cf/baai/bge-base-en-v1.5')]);
  });

  it('?protocol=openai-moderations lists llama-guard only; it stays a chat model too', async () => {
    const mod = await jsonOf(await call(env(), '/v1/models?protocol=openai-moderations'), 'ListModelsResponse');
    expect(mod.data.map((m: any) => m.id)).toEqual(['@cf/meta/llama-guard-3-8b']);
    const chat = await jsonOf(await call(env(), '/v1/models?protocol=openai-chat'), 'ListModelsResponse');
    expect(chat.data.map((m: any) => m.id)).toContain('@cf/meta/llama-guard-3-8b');
  });

  it('the emulator lists llama-guard for moderations', async () => {
    const body = await jsonOf(await call({ LOG_REQUESTS: 'false' }, '/v1/models?protocol=openai-moderations'), 'ListModelsResponse');
    expect(body.data.map((m: any) => m.id)).toEqual(['@cf/meta/llama-guard-3-8b']);
  });
});
