/**
 * The Ollama API (/api/...): NDJSON framing, Ollama's final objects, options mapping, the model
 * endpoints, Ollama-shaped errors, and an end-to-end run on the emulator.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Env } from '../../../src/env';
import { chatRequestOf, generateRequestOf } from '../../../src/services/ollama/chat';
import { ollamaAnswer, ollamaWriter } from '../../../src/services/ollama/stream';
import type { Choice } from '../../../src/services/chat/engine';
import type { ChunkWriter } from '../../../src/services/chat/stream';
import type { CatalogModel } from '../../../src/services/upstream/types';
import { TEST_CATALOG, catalogModel } from '../../support/catalog';
import { bindingError, fakeAI, tokenStream, gatedStream, failingStream } from '../../support/fake-ai';
import { bindingEnv, call, expectError, postJson } from '../../support/http';

const MODEL = '@cf/meta/llama-3.1-8b-instruct';
/** A live model of the emulator's catalog (the test catalog's MODEL was retired on 2026-05-30). */
const LIVE = '@cf/meta/llama-3.1-8b-instruct-fast';
const USAGE = { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 };
const hi = [{ role: 'user', content: 'Hi' }];
const encoder = new TextEncoder();

/** Reads an NDJSON response and checks the framing strictly: one JSON object per line, every line ends with \n. */
async function ndjson(res: Response): Promise<Record<string, any>[]> {
  // Bytes, not res.text(): workerd warns about text() on a type it does not know as text.
  const text = new TextDecoder().decode(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${text}`);
  expect(res.headers.get('content-type')).toBe('application/x-ndjson');
  if (!text.endsWith('\n')) throw new Error(`stream does not end with \\n: ${JSON.stringify(text.slice(-40))}`);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const value = JSON.parse(line);
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`line is not a JSON object: ${line}`);
      return value;
    });
}

/** Ollama's error shape: `{"error": "<message>"}` and nothing else, as JSON, with the status. */
async function expectOllamaError(res: Response, status: number, message?: RegExp): Promise<string> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${text}`);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(text);
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error).toBe('string');
  if (message) expect(body.error).toMatch(message);
  return body.error;
}

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const DURATIONS = ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration'] as const;

/** The final `done: true` object of /api/chat or /api/generate, with its types. */
function expectFinal(line: Record<string, any>, model: string, counts: { prompt: number; completion: number }, doneReason = 'stop') {
  expect(line).toMatchObject({ model, done: true, done_reason: doneReason, prompt_eval_count: counts.prompt, eval_count: counts.completion, load_duration: 0 });
  expect(line.created_at).toMatch(ISO);
  for (const key of DURATIONS) {
    expect(Number.isInteger(line[key]), key).toBe(true);
    expect(line[key], key).toBeGreaterThanOrEqual(0);
  }
  expect(line.total_duration).toBeGreaterThanOrEqual(line.eval_duration);
}

const chat = (env: Env, body: Record<string, unknown>) => postJson(env, '/api/chat', { model: MODEL, messages: hi, ...body });
const generate = (env: Env, body: Record<string, unknown>) => postJson(env, '/api/generate', { model: MODEL, prompt: 'Hi', ...body });

const entry = (name: string, task: string, properties: Record<string, string>, created_at?: string) => catalogModel(name, task, properties, created_at ?? null);
/** The shared test catalog plus models with the capability flags and one without a date. */
const FLAGGED: CatalogModel[] = [
  ...TEST_CATALOG.filter((m) => !/llama-4-scout|qwen3-30b/.test(m.name)),
  entry('@cf/meta/llama-4-scout-17b-16e-instruct', 'Text Generation', { context_window: '131000', function_calling: 'true', vision: 'true' }, '2025-04-05 12:00:00.000'),
  entry('@cf/qwen/qwen3-30b-a3b-fp8', 'Text Generation', { context_window: '32768', function_calling: 'true', reasoning: 'true' }),
];

describe('GET /api/version, /api/tags, /api/ps', () => {
  it('reports an Ollama version clients can parse', async () => {
    const res = await call(bindingEnv(), '/api/version');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ version: '0.9.0' });
  });

  it('lists the chat and embedding models of the real catalog with honest Ollama fields', async () => {
    const body = (await (await call(bindingEnv(), '/api/tags')).json()) as { models: Record<string, any>[] };
    expect(body.models.map((m) => m.name)).toEqual([
      '@cf/meta/llama-3.1-8b-instruct:latest',
      '@cf/meta/llama-3.1-8b-instruct-fast:latest',
      '@cf/meta/llama-3.3-70b-instruct-fp8-fast:latest',
      '@cf/mistral/mistral-7b-instruct-v0.1:latest',
      '@cf/baai/bge-base-en-v1.5:latest',
      '@cf/meta/llama-4-scout-17b-16e-instruct:latest',
      '@cf/qwen/qwen3-30b-a3b-fp8:latest',
      '@cf/deepseek-ai/deepseek-r1-distill-qwen-32b:latest',
      '@cf/qwen/qwq-32b:latest',
      '@cf/openai/gpt-oss-120b:latest',
      '@cf/meta/llama-3.2-11b-vision-instruct:latest',
      '@cf/google/gemma-3-12b-it:latest',
      '@cf/mistralai/mistral-small-3.1-24b-instruct:latest',
      '@cf/moonshotai/kimi-k2.6:latest',
      '@cf/llava-hf/llava-1.5-7b-hf:latest',
      'auto:latest',
    ]);
    const digest = Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(MODEL))), (b) => b.toString(16).padStart(2, '0')).join('');
    expect(body.models[0]).toEqual({
      name: `${MODEL}:latest`,
      model: `${MODEL}:latest`,
      modified_at: '2024-07-23T12:00:00.000Z',
      size: 0,
      digest,
      details: { parent_model: '', format: '', family: 'llama', families: ['llama'], parameter_size: '8B', quantization_level: '' },
    });
    expect(body.models[2]!.details).toMatchObject({ family: 'llama', parameter_size: '70B', quantization_level: 'FP8' });
    expect(body.models[3]!.details).toMatchObject({ family: 'mistral', parameter_size: '7B', quantization_level: '' });
    // Stable between calls.
    const again = (await (await call(bindingEnv(), '/api/tags')).json()) as { models: Record<string, any>[] };
    expect(again.models[0]!.digest).toBe(digest);
  });

  it('gives an unknown date as Go zero time and parses sizes like 17b and quantizations', async () => {
    const body = (await (await call(bindingEnv(fakeAI(undefined, FLAGGED)), '/api/tags')).json()) as { models: Record<string, any>[] };
    const qwen = body.models.find((m) => m.name === '@cf/qwen/qwen3-30b-a3b-fp8:latest')!;
    expect(qwen.modified_at).toBe('0001-01-01T00:00:00Z');
    expect(qwen.details).toMatchObject({ family: 'qwen3', parameter_size: '30B', quantization_level: 'FP8' });
    const scout = body.models.find((m) => m.name === '@cf/meta/llama-4-scout-17b-16e-instruct:latest')!;
    expect(scout.details).toMatchObject({ family: 'llama', parameter_size: '17B' });
  });

  it('/api/ps lists nothing: no model is ever loaded here', async () => {
    const res = await call(bindingEnv(), '/api/ps');
    expect(await res.json()).toEqual({ models: [] });
  });
});

describe('POST /api/show', () => {
  it('describes a chat model from the catalog', async () => {
    const res = await postJson(bindingEnv(), '/api/show', { model: `${MODEL}:latest` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      modelfile: '',
      parameters: '',
      template: '',
      details: { parent_model: '', format: '', family: 'llama', families: ['llama'], parameter_size: '8B', quantization_level: '' },
      model_info: { 'general.architecture': 'llama', 'general.basename': 'llama-3.1-8b-instruct', 'llama.context_length': 7968 },
      capabilities: ['completion'],
      modified_at: '2024-07-23T12:00:00.000Z',
    });
  });

  it('lists tools, vision and thinking where the catalog says so, and accepts the legacy `name`', async () => {
    const env = bindingEnv(fakeAI(undefined, FLAGGED));
    const scout = (await (await postJson(env, '/api/show', { name: '@cf/meta/llama-4-scout-17b-16e-instruct' })).json()) as any;
    expect(scout.capabilities).toEqual(['completion', 'tools', 'vision']);
    expect(scout.model_info['llama.context_length']).toBe(131000);
    const qwen = (await (await postJson(env, '/api/show', { model: 'qwen3-30b-a3b-fp8:latest' })).json()) as any;
    expect(qwen.capabilities).toEqual(['completion', 'tools', 'thinking']);
  });

  it('answers 400 without a model, 404 for an unknown one, 400 for a model of another task', async () => {
    await expectOllamaError(await postJson(bindingEnv(), '/api/show', {}), 400, /'model'/);
    await expectOllamaError(await postJson(bindingEnv(), '/api/show', { model: 'nope:latest' }), 404, /nope:latest/);
    await expectOllamaError(await postJson(bindingEnv(), '/api/show', { model: '@cf/black-forest-labs/flux-1-schnell' }), 400, /Text-to-Image/);
    await expectOllamaError(await postJson(bindingEnv(), '/api/show', { model: 42 }), 400, /'model'.*string/);
  });
});

describe('POST /api/chat (stream, the default)', () => {
  it('streams NDJSON: one line per token as it arrives, then the final object', async () => {
    const ai = fakeAI(() => tokenStream(['Hel', 'lo', ' world'], USAGE, { split: 7 }));
    const res = await chat(bindingEnv(ai), {});
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    const lines = await ndjson(res);
    expect(lines).toHaveLength(4);
    for (const line of lines.slice(0, -1)) {
      expect(Object.keys(line)).toEqual(['model', 'created_at', 'message', 'done']);
      expect(line).toMatchObject({ model: MODEL, done: false, message: { role: 'assistant' } });
      expect(line.created_at).toMatch(ISO);
    }
    expect(lines.slice(0, -1).map((l) => l.message.content)).toEqual(['Hel', 'lo', ' world']);
    const last = lines.at(-1)!;
    expect(last.message).toEqual({ role: 'assistant', content: '' });
    expectFinal(last, MODEL, { prompt: 9, completion: 3 });
    expect(ai.calls[0]!.inputs).toMatchObject({ stream: true, messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('echoes the model name as sent and resolves :latest, short names and aliases', async () => {
    for (const [model, id] of [[`${MODEL}:latest`, MODEL], ['llama-3.1-8b-instruct:latest', MODEL], ['gpt-4o-mini', `${MODEL}-fast`]] as const) {
      const ai = fakeAI(() => tokenStream(['ok'], USAGE));
      const lines = await ndjson(await chat(bindingEnv(ai), { model }));
      expect(lines.every((l) => l.model === model)).toBe(true);
      expect(ai.calls[0]!.model).toBe(id);
    }
  });

  it('reports done_reason length when the token limit was reached', async () => {
    const ai = fakeAI(() => tokenStream(['a', 'b', 'c'], USAGE));
    const lines = await ndjson(await chat(bindingEnv(ai), { options: { num_predict: 3 } }));
    expect(lines.at(-1)!.done_reason).toBe('length');
  });

  it('estimates the counts when the upstream reports no usage', async () => {
    const ai = fakeAI(() => tokenStream(['abcd', 'efgh']));
    const last = (await ndjson(await chat(bindingEnv(ai), {}))).at(-1)!;
    expect(last.prompt_eval_count).toBeGreaterThan(0);
    expect(last.eval_count).toBe(2);
  });

  it('sends each token as soon as it arrives (no buffering)', async () => {
    const { stream, release } = gatedStream('data: {"response":"first"}\n\n', 'data: {"response":"second"}\n\ndata: [DONE]\n\n');
    const ai = fakeAI(() => stream);
    const res = await chat(bindingEnv(ai), {});
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let seen = '';
    while (!seen.includes('"first"')) seen += (await reader.read()).value;
    expect(seen).not.toContain('second');
    expect(seen.endsWith('\n')).toBe(true);
    release();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
    expect(rest).toContain('"second"');
    expect(JSON.parse(rest.trim().split('\n').at(-1)!).done).toBe(true);
  });

  it('enforces stop sequences from options.stop', async () => {
    const ai = fakeAI(() => tokenStream(['Hello ', 'wor', 'ld! and', ' more']));
    const lines = await ndjson(await chat(bindingEnv(ai), { options: { stop: ['world'] } }));
    expect(lines.map((l) => l.message.content).join('')).toBe('Hello ');
    expect(lines.at(-1)).toMatchObject({ done: true, done_reason: 'stop' });
  });

  it('cancels the upstream generation when the client goes away', async () => {
    let cancelled = false;
    const ai = fakeAI(
      () =>
        new ReadableStream<Uint8Array>({
          pull: (c) => c.enqueue(encoder.encode('data: {"response":"x"}\n\n')),
          cancel: () => {
            cancelled = true;
          },
        }),
    );
    const res = await chat(bindingEnv(ai), {});
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await vi.waitFor(() => expect(cancelled).toBe(true));
  });

  it('turns a mid-stream upstream failure into an {"error"} line that ends the stream', async () => {
    const ai = fakeAI(() => failingStream());
    const env = bindingEnv(ai);
    const lines = await ndjson(await chat(env, {}));
    expect(lines[0]!.message.content).toBe('partial');
    expect(Object.keys(lines.at(-1)!)).toEqual(['error']);
    expect(lines.at(-1)!.error).toMatch(/out of capacity/);
    expect(lines.some((l) => l.done === true)).toBe(false);
    // The Worker keeps serving.
    expect((await call(env, '/api/version')).status).toBe(200);
  });
});

describe('POST /api/chat (stream: false)', () => {
  it('answers one Ollama object with the message, counts and durations', async () => {
    const ai = fakeAI(() => ({ response: 'Hello there!', usage: { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 } }));
    const res = await chat(bindingEnv(ai), { stream: false });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, any>;
    expect(Object.keys(body)).toEqual([
      'model', 'created_at', 'message', 'done_reason', 'done', 'total_duration', 'load_duration',
      'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration', 'cost', 'neurons',
    ]);
    expect(body.message).toEqual({ role: 'assistant', content: 'Hello there!' });
    expectFinal(body, MODEL, { prompt: 21, completion: 4 });
    expect(body.prompt_eval_duration).toBe(0);
    expect(ai.calls[0]!.inputs.stream).toBeUndefined();
  });

  it('maps options to the Workers AI inputs; runtime-only options are accepted and not sent', async () => {
    const ai = fakeAI();
    const res = await chat(bindingEnv(ai), {
      stream: false,
      keep_alive: '5m',
      options: {
        temperature: 0.3, top_p: 0.9, top_k: 40, seed: 7, num_predict: 77, repeat_penalty: 1.1,
        frequency_penalty: 0.5, presence_penalty: -0.5, num_ctx: 8192, num_gpu: 1, mirostat: 0, min_p: 0.05,
      },
    });
    expect(res.status).toBe(200);
    expect(ai.calls[0]!.inputs).toEqual({
      messages: [{ role: 'user', content: 'Hi' }],
      max_tokens: 77, temperature: 0.3, top_p: 0.9, top_k: 40, seed: 7,
      frequency_penalty: 0.5, presence_penalty: -0.5, repetition_penalty: 1.1,
    });
  });

  it('num_predict -1 and -2 mean the default limit', async () => {
    for (const num_predict of [-1, -2]) {
      const ai = fakeAI();
      await chat(bindingEnv(ai, { DEFAULT_MAX_TOKENS: '1234' }), { stream: false, options: { num_predict } });
      expect(ai.calls[0]!.inputs.max_tokens).toBe(1234);
    }
  });

  it('keeps system, user and assistant turns in order', async () => {
    const ai = fakeAI();
    const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'One' }, { role: 'assistant', content: 'Two' }, { role: 'user', content: 'Three' }];
    await chat(bindingEnv(ai), { stream: false, messages });
    expect(ai.calls[0]!.inputs.messages).toEqual(messages);
  });

  it('an upstream error before the answer is an Ollama error with the mapped status', async () => {
    const ai = fakeAI(() => {
      throw bindingError(3040, 'Capacity temporarily exceeded');
    });
    await expectOllamaError(await chat(bindingEnv(ai), { stream: false }), 429, /out of capacity/);
    const invalid = fakeAI(() => {
      throw bindingError(5006, 'Error: oneOf at / not met');
    });
    await expectOllamaError(await chat(bindingEnv(invalid), {}), 400, /rejected the request/);
  });
});

describe('POST /api/generate', () => {
  it('streams `response` lines; system and prompt become two messages', async () => {
    const ai = fakeAI(() => tokenStream(['The', ' sky'], USAGE));
    const lines = await ndjson(await generate(bindingEnv(ai), { system: 'Be brief.' }));
    expect(lines.slice(0, -1).map((l) => l.response)).toEqual(['The', ' sky']);
    for (const line of lines.slice(0, -1)) expect(Object.keys(line)).toEqual(['model', 'created_at', 'response', 'done']);
    expect(lines.at(-1)!.response).toBe('');
    expectFinal(lines.at(-1)!, MODEL, { prompt: 9, completion: 3 });
    expect(ai.calls[0]!.inputs.messages).toEqual([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }]);
  });

  it('stream:false answers one object with `response` and no context', async () => {
    const ai = fakeAI(() => ({ response: 'Blue.', usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } }));
    const body = (await (await generate(bindingEnv(ai), { stream: false, options: { temperature: 0 } })).json()) as Record<string, any>;
    expect(body.response).toBe('Blue.');
    expect(body).not.toHaveProperty('context');
    expect(body).not.toHaveProperty('message');
    expectFinal(body, MODEL, { prompt: 5, completion: 2 });
    expect(ai.calls[0]!.inputs.temperature).toBe(0);
  });

  it('refuses raw, suffix, template and context with a 400 naming them', async () => {
    for (const [field, value] of [['raw', true], ['suffix', 'end'], ['template', '{{ .Prompt }}'], ['context', [1, 2, 3]]] as const) {
      const ai = fakeAI();
      await expectOllamaError(await generate(bindingEnv(ai), { [field]: value }), 400, new RegExp(field === 'raw' ? 'raw' : field === 'suffix' ? 'suffix' : field));
      expect(ai.calls).toHaveLength(0);
    }
    // Their empty / false forms are fine.
    expect((await generate(bindingEnv(), { raw: false, suffix: '', template: '', context: [], stream: false })).status).toBe(200);
  });
});

describe('load and unload requests', () => {
  it('an empty prompt or no messages loads the model without running it', async () => {
    const ai = fakeAI();
    const gen = (await (await postJson(bindingEnv(ai), '/api/generate', { model: MODEL })).json()) as Record<string, any>;
    expect(gen).toMatchObject({ model: MODEL, response: '', done: true, done_reason: 'load' });
    expect(gen.created_at).toMatch(ISO);
    const res = await postJson(bindingEnv(ai), '/api/chat', { model: MODEL, messages: [] });
    expect(await res.json()).toMatchObject({ model: MODEL, message: { role: 'assistant', content: '' }, done: true, done_reason: 'load' });
    expect(ai.calls).toHaveLength(0);
  });

  it('keep_alive 0 unloads (as Open WebUI sends it)', async () => {
    for (const keep_alive of [0, '0', '0s']) {
      const res = await postJson(bindingEnv(), '/api/generate', { model: MODEL, prompt: '', keep_alive, stream: false });
      expect(await res.json()).toMatchObject({ done: true, done_reason: 'unload' });
    }
  });

  it('still checks the model', async () => {
    await expectOllamaError(await postJson(bindingEnv(), '/api/generate', { model: 'nope' }), 404, /nope/);
    await expectOllamaError(await postJson(bindingEnv(), '/api/chat', { model: '@cf/baai/bge-base-en-v1.5' }), 400, /Text Embeddings/);
  });
});

describe('features that go through the chat service', () => {
  /** Ollama-shaped either way: a done answer when the chat service supports it, else a 400 naming it. */
  async function expectPassedOrRefused(res: Response, feature: RegExp) {
    if (res.status === 200) expect(((await res.json()) as Record<string, any>).done).toBe(true);
    else await expectOllamaError(res, 400, feature);
  }

  it('format, tools, tool results and images reach the chat service in OpenAI form', async () => {
    await expectPassedOrRefused(await chat(bindingEnv(), { stream: false, format: 'json' }), /response_format/);
    await expectPassedOrRefused(await chat(bindingEnv(), { stream: false, tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }] }), /[Tt]ool/);
    await expectPassedOrRefused(await chat(bindingEnv(), { stream: false, messages: [{ role: 'user', content: 'What is it?', images: ['iVBORw0KGgoAAAA'] }] }), /image/);
  });

  it('translates tools, tool calls and tool results', () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const req = chatRequestOf({
      model: `${MODEL}:latest`,
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }, { function: { name: 'get_time', arguments: { city: 'Rome' } } }] },
        { role: 'tool', content: '12:00', tool_name: 'get_time' },
        { role: 'tool', content: '21C' },
      ],
    });
    expect(req.model).toBe(MODEL);
    expect(req.stream).toBe(true);
    expect(req.stream_options).toEqual({ include_usage: true });
    expect(req.tools).toEqual(tools);
    expect(req.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_1_1', type: 'function', function: { name: 'get_time', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', content: '12:00', tool_call_id: 'call_1_1' },
      { role: 'tool', content: '21C', tool_call_id: 'call_1_0' },
    ]);
  });

  it('translates format, think and images', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(chatRequestOf({ model: MODEL, messages: [], format: 'json' }).response_format).toEqual({ type: 'json_object' });
    expect(chatRequestOf({ model: MODEL, messages: [], format: schema }).response_format).toEqual({ type: 'json_schema', json_schema: { name: 'ollama_format', schema } });
    expect(chatRequestOf({ model: MODEL, messages: [], format: '' }).response_format).toBeUndefined();
    const think = chatRequestOf({ model: MODEL, messages: [], think: 'high' });
    expect(think).toMatchObject({ think: 'high', reasoning_effort: 'high' });
    expect(chatRequestOf({ model: MODEL, messages: [], think: true })).toMatchObject({ think: true });
    expect(chatRequestOf({ model: MODEL, messages: [], think: true }).reasoning_effort).toBeUndefined();
    const gen = generateRequestOf({ model: MODEL, prompt: 'What?', images: ['/9j/4AAQ', 'data:image/png;base64,AAAA', 'R0lGODlh', 'UklGRiQ'] });
    expect(gen.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What?' },
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQ' } },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          { type: 'image_url', image_url: { url: 'data:image/gif;base64,R0lGODlh' } },
          { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklGRiQ' } },
        ],
      },
    ]);
    expect(() => generateRequestOf({ model: MODEL, prompt: 'x', images: ['bm90IGFuIGltYWdl'] })).toThrow(/images\[0\]/);
  });

  /** The NDJSON lines a writer gives for these engine stream hooks, in order. */
  const written = (writer: ChunkWriter, steps: ((w: ChunkWriter) => Uint8Array | undefined)[]) =>
    steps.map((step) => new TextDecoder().decode(step(writer) ?? new Uint8Array(0))).join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
  const usage = { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 };

  it('maps streamed reasoning and tool-call fragments to thinking lines and whole tool calls', () => {
    const lines = written(ollamaWriter({ kind: 'chat', model: 'm', started: Date.now(), thinking: true }), [
      (w) => w.start(),
      (w) => w.reasoning('Let me see.'),
      (w) => w.toolCall({ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }),
      (w) => w.toolCall({ index: 0, function: { arguments: '{"city":' } }),
      (w) => w.toolCall({ index: 0, function: { arguments: '"Paris"}' } }),
      (w) => w.finish('tool_calls'),
      (w) => w.usage(usage),
      (w) => w.done?.(),
    ]);
    expect(lines.map((l) => l.message)).toEqual([
      { role: 'assistant', content: '', thinking: 'Let me see.' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_a', function: { index: 0, name: 'get_weather', arguments: { city: 'Paris' } } }] },
      { role: 'assistant', content: '' },
    ]);
    expectFinal(lines.at(-1)!, 'm', { prompt: 5, completion: 6 });

    const gen = written(ollamaWriter({ kind: 'generate', model: 'm', started: Date.now(), thinking: false }), [
      (w) => w.reasoning('secret'),
      (w) => w.content('answer'),
      (w) => w.finish('stop'),
      (w) => w.usage(usage),
    ]);
    expect(gen.map((l) => l.response)).toEqual(['answer', '']);
    expect(gen.some((l) => 'thinking' in l)).toBe(false);
  });

  it('maps a non-stream completion with reasoning and tool calls', () => {
    const choice: Choice = {
      content: '', reasoning: 'Hmm.', finish: 'tool_calls', run: 0,
      toolCalls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    };
    const out = ollamaAnswer(choice, { kind: 'chat', model: 'm', started: Date.now(), thinking: true }) as Record<string, any>;
    expect(out.message).toEqual({ role: 'assistant', content: '', thinking: 'Hmm.', tool_calls: [{ id: 'call_1', function: { index: 0, name: 'f', arguments: { a: 1 } } }] });
    expectFinal(out, 'm', { prompt: 3, completion: 4 });
    const gen = ollamaAnswer(choice, { kind: 'generate', model: 'm', started: Date.now(), thinking: false }) as Record<string, any>;
    expect(gen.response).toBe('');
    expect(gen).not.toHaveProperty('thinking');
  });
});

describe('bad input and errors, in Ollama shape', () => {
  it('malformed JSON is a 400', async () => {
    const res = await call(bindingEnv(), '/api/chat', { method: 'POST', raw: '{"model": ', headers: { 'content-type': 'application/json' } });
    await expectOllamaError(res, 400, /JSON/);
  });

  it.each([
    [{ messages: hi }, /Missing required parameter: 'model'/],
    [{ model: '', messages: hi }, /'model' is too short/],
    [{ model: 42, messages: hi }, /'model'.*expected string/],
    [{ model: MODEL, messages: 'hello' }, /'messages'.*expected array/],
    [{ model: MODEL, messages: [{ role: 'wizard', content: 'x' }] }, /'messages\[0\]\.role'/],
    [{ model: MODEL, messages: [{ role: 'user', content: 5 }] }, /'messages\[0\]\.content'/],
    [{ model: MODEL, messages: hi, stream: 'yes' }, /'stream'.*expected boolean/],
    [{ model: MODEL, messages: hi, options: { temperature: 'hot' } }, /'options\.temperature'.*expected number/],
    [{ model: MODEL, messages: hi, options: { temperature: 3 } }, /'options\.temperature'.*<= 2/],
    [{ model: MODEL, messages: hi, options: { num_predict: 0 } }, /'options\.num_predict'/],
    [{ model: MODEL, messages: hi, options: { num_predict: -3 } }, /'options\.num_predict'/],
    [{ model: MODEL, messages: hi, options: { top_k: 1.5 } }, /'options\.top_k'.*expected int/],
    [{ model: MODEL, messages: hi, options: 'fast' }, /'options'/],
    [{ model: MODEL, messages: hi, format: 'xml' }, /'format'/],
    [{ model: MODEL, messages: hi, think: 'max' }, /'think'/],
    [{ model: MODEL, messages: [{ role: 'system', content: 'x', images: ['/9j/'] }] }, /Images on a system message/],
  ])('/api/chat %j -> 400', async (body, message) => {
    const ai = fakeAI();
    await expectOllamaError(await postJson(bindingEnv(ai), '/api/chat', body), 400, message);
    expect(ai.calls).toHaveLength(0);
  });

  it('/api/generate validates its own fields', async () => {
    await expectOllamaError(await generate(bindingEnv(), { prompt: 7 }), 400, /'prompt'/);
    await expectOllamaError(await generate(bindingEnv(), { images: 'abc' }), 400, /'images'/);
    await expectOllamaError(await generate(bindingEnv(), { context: ['a'] }), 400, /'context\[0\]'/);
  });

  it('a non-object body is a 400', async () => {
    await expectOllamaError(await postJson(bindingEnv(), '/api/chat', [1, 2]), 400);
  });

  it('an unknown model is a 404 naming it, a model of another task a 400', async () => {
    const ai = fakeAI();
    await expectOllamaError(await chat(bindingEnv(ai), { model: 'llama9:latest' }), 404, /llama9/);
    await expectOllamaError(await chat(bindingEnv(ai), { model: '@cf/baai/bge-base-en-v1.5' }), 400, /Text Embeddings/);
    expect(ai.calls).toHaveLength(0);
  });

  it('auth, body size and unknown URLs answer in Ollama shape under /api/, OpenAI shape elsewhere', async () => {
    await expectOllamaError(await call(bindingEnv(), '/api/tags', { anonymous: true }), 401, /API key/);
    await expectOllamaError(await call(bindingEnv(), '/api/tags', { headers: { authorization: 'Bearer wrong' } }), 401, /Incorrect API key/);
    await expectError(await call(bindingEnv(), '/v1/models', { anonymous: true }), 401, { code: 'missing_api_key' });
    await expectOllamaError(await chat(bindingEnv(undefined, { MAX_BODY_BYTES: '64' }), { messages: [{ role: 'user', content: 'x'.repeat(200) }] }), 413, /too large/);
    await expectOllamaError(await call(bindingEnv(), '/api/pull', { method: 'POST', body: { model: 'x' } }), 404, /Unknown request URL/);
    const ok = await call(bindingEnv(), '/api/version');
    expect(ok.status).toBe(200);
  });

  it('keeps headers (CORS, request id) on reshaped errors', async () => {
    const res = await call(bindingEnv(), '/api/tags', { anonymous: true, headers: { origin: 'https://app.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    await expectOllamaError(res, 401);
  });

  it('a catalog outage on /api/tags is an Ollama error with the mapped status', async () => {
    const ai = fakeAI();
    ai.models = async () => {
      throw bindingError(3040, 'Capacity temporarily exceeded');
    };
    await expectOllamaError(await call(bindingEnv(ai), '/api/tags'), 429, /out of capacity/);
  });
});

describe('emulator end to end', () => {
  const env = { LOG_REQUESTS: 'false' } as Env;

  it('lists emulator models, describes one, and chats in NDJSON', async () => {
    const tags = (await (await call(env, '/api/tags')).json()) as { models: Record<string, any>[] };
    const names = tags.models.map((m) => m.name);
    expect(names).toContain(`${LIVE}:latest`);
    expect(names).toContain('@cf/baai/bge-m3:latest');
    expect(names).not.toContain('@cf/black-forest-labs/flux-1-schnell:latest');
    const show = (await (await postJson(env, '/api/show', { model: '@cf/meta/llama-4-scout-17b-16e-instruct:latest' })).json()) as any;
    // Cloudflare's llama-4-scout file lists function_calling but no vision property.
    expect(show.capabilities).toEqual(['completion', 'tools']);
    expect(show.model_info['llama.context_length']).toBe(131000);

    const lines = await ndjson(await postJson(env, '/api/chat', { model: `${LIVE}:latest`, messages: [{ role: 'user', content: 'Hello there!' }] }));
    const text = lines.slice(0, -1).map((l) => l.message.content).join('');
    expect(text).toContain('synthetic reply from the Workers AI emulator');
    expect(text).toContain('you said "Hello there!"');
    const last = lines.at(-1)!;
    expectFinal(last, `${LIVE}:latest`, { prompt: Math.ceil('Hello there!'.length / 4), completion: lines.length - 1 });
  });

  it('generates without streaming, honouring num_predict', async () => {
    const res = await postJson(env, '/api/generate', { model: LIVE, prompt: 'Write a long essay about the sea', stream: false, options: { num_predict: 7 } });
    const body = (await res.json()) as Record<string, any>;
    expect(body.response).toBe('This is a synthetic reply from the');
    expectFinal(body, LIVE, { prompt: 8, completion: 7 }, 'length');
  });
});
