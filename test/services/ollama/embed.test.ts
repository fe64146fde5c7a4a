import { describe, expect, it } from 'vitest';
import { bindingError, fakeAI } from '../../support/fake-ai';
import { bindingEnv, call, postJson } from '../../support/http';

const vectors = (n: number, dims = 3) => Array.from({ length: n }, (_, i) => Array.from({ length: dims }, (_, j) => (i + 1) / (j + 2)));
const embedAI = () =>
  fakeAI((model, inputs) => {
    const texts: string[] = Array.isArray(inputs.text) ? inputs.text : [inputs.text];
    return { shape: [texts.length, 3], data: vectors(texts.length), pooling: 'mean' };
  });
const MODEL = '@cf/baai/bge-base-en-v1.5';

async function ollamaError(res: Response, status: number) {
  expect(res.status).toBe(status);
  const body = await res.json<any>();
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error).toBe('string');
  return body.error as string;
}

describe('POST /api/embed', () => {
  it('embeds a list of texts in order, in Ollama shape', async () => {
    const ai = embedAI();
    const res = await postJson(bindingEnv(ai), '/api/embed', { model: `${MODEL}:latest`, input: ['a', 'b'] });
    expect(res.status).toBe(200);
    const body = await res.json<any>();
    expect(Object.keys(body)).toEqual(['model', 'embeddings', 'total_duration', 'load_duration', 'prompt_eval_count', 'cost', 'neurons']);
    expect(body.model).toBe(`${MODEL}:latest`);
    expect(body.embeddings).toEqual(vectors(2));
    expect(Number.isInteger(body.total_duration)).toBe(true);
    expect(body.prompt_eval_count).toBe(2);
    expect(ai.calls[0]!.model).toBe(MODEL);
    expect(ai.calls[0]!.inputs).toEqual({ text: ['a', 'b'] });
  });

  it('accepts a single string', async () => {
    const body = await (await postJson(bindingEnv(embedAI()), '/api/embed', { model: MODEL, input: 'one' })).json<any>();
    expect(body.embeddings).toEqual(vectors(1));
  });

  it('refuses bad input and chat models with Ollama-shaped errors', async () => {
    const env = bindingEnv(embedAI());
    expect(await ollamaError(await postJson(env, '/api/embed', { model: MODEL }), 400)).toMatch(/input/);
    expect(await ollamaError(await postJson(env, '/api/embed', { model: MODEL, input: [1, 2] }), 400)).toMatch(/input/);
    expect(await ollamaError(await postJson(env, '/api/embed', { model: 'nope', input: 'x' }), 404)).toMatch(/nope/);
    expect(await ollamaError(await postJson(env, '/api/embed', { model: '@cf/meta/llama-3.1-8b-instruct', input: 'x' }), 400)).toMatch(/Text Generation/);
    expect(await ollamaError(await call(env, '/api/embed', { method: 'POST', raw: '{', headers: { 'content-type': 'application/json' } }), 400)).toMatch(/JSON/);
  });

  it('maps upstream errors', async () => {
    const ai = fakeAI(() => {
      throw bindingError(3040, 'Capacity temporarily exceeded');
    });
    await ollamaError(await postJson(bindingEnv(ai), '/api/embed', { model: MODEL, input: 'x' }), 429);
  });
});

describe('POST /api/embeddings (older API)', () => {
  it('returns one embedding for a prompt', async () => {
    const ai = embedAI();
    const res = await postJson(bindingEnv(ai), '/api/embeddings', { model: MODEL, prompt: 'hello' });
    expect(await res.json()).toEqual({ embedding: vectors(1)[0] });
    expect(ai.calls[0]!.inputs).toEqual({ text: ['hello'] });
  });

  it('refuses a missing prompt', async () => {
    expect(await ollamaError(await postJson(bindingEnv(embedAI()), '/api/embeddings', { model: MODEL }), 400)).toMatch(/prompt/);
  });
});

describe('embedding models in /api/tags and /api/show', () => {
  it('lists embedding models and shows their capability', async () => {
    const env = bindingEnv(embedAI());
    const tags = await (await call(env, '/api/tags')).json<any>();
    expect(tags.models.map((m: any) => m.name)).toContain(`${MODEL}:latest`);
    const show = await (await postJson(env, '/api/show', { model: MODEL })).json<any>();
    expect(show.capabilities).toEqual(['embedding']);
  });

  it('works end to end on the emulator', async () => {
    const res = await postJson({ LOG_REQUESTS: 'false' }, '/api/embed', { model: '@cf/baai/bge-small-en-v1.5', input: ['x', 'y'] });
    const body = await res.json<any>();
    expect(body.embeddings).toHaveLength(2);
    expect(body.embeddings[0]).toHaveLength(384);
  });
});
