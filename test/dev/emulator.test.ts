/**
 * The offline Workers AI emulator (src/dev/emulator): every family answers in the
 * shape the real binding returns, deterministically, with the real SSE framing and real errors.
 */
import { describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/dev/emulator';
import { UpstreamError } from '../../src/services/upstream/types';

const ai = createEmulator();
const LLAMA = '@cf/meta/llama-3.1-8b-instruct-fast';
type J = Record<string, any>;
const run = (model: string, inputs: unknown) => ai.run(model, inputs) as Promise<J>;

async function bytesOf(s: unknown): Promise<Uint8Array> {
  expect(s).toBeInstanceOf(ReadableStream);
  return new Uint8Array(await new Response(s as ReadableStream).arrayBuffer());
}
/** The raw SSE text and its events (each `data:` payload), checking every event ends with a blank line. */
async function sse(s: unknown) {
  const text = new TextDecoder().decode(await bytesOf(s));
  expect(text.endsWith('\n\n')).toBe(true);
  const events = text.slice(0, -2).split('\n\n');
  for (const e of events) expect(e.startsWith('data: ')).toBe(true);
  return { text, events: events.map((e) => e.slice(6)) };
}
const startsWith = (b: Uint8Array, magic: number[]) => expect([...b.subarray(0, magic.length)]).toEqual(magic);
const PNG = [137, 80, 78, 71, 13, 10, 26, 10];
const JPEG = [0xff, 0xd8, 0xff];
const b64bytes = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function rejects(p: Promise<unknown>, code: number, status: number, message: RegExp) {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(UpstreamError);
  expect((err as UpstreamError).code).toBe(code);
  expect((err as UpstreamError).status).toBe(status);
  expect((err as UpstreamError).message).toMatch(message);
}

describe('catalog', () => {
  it('lists real model names as env.AI.models() entries', async () => {
    const models = await ai.models();
    const names = models.map((m) => m.name);
    for (const n of [
      LLAMA, '@cf/meta/llama-3.2-11b-vision-instruct', '@cf/meta/llama-3.3-70b-instruct-fp8-fast', '@cf/meta/llama-4-scout-17b-16e-instruct',
      '@cf/mistralai/mistral-small-3.1-24b-instruct', '@cf/qwen/qwq-32b', '@cf/openai/gpt-oss-120b', '@cf/baai/bge-m3', '@cf/black-forest-labs/flux-2-dev',
      '@cf/openai/whisper-large-v3-turbo', '@cf/deepgram/aura-1', '@cf/myshell-ai/melotts', '@cf/facebook/detr-resnet-50', '@cf/microsoft/resnet-50',
    ])
      expect(names).toContain(n);
    expect(new Set(names).size).toBe(names.length);
    for (const m of models) {
      // The real catalog UUIDs, from Cloudflare's model files.
      expect(m.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(m.description.startsWith('[emulator]')).toBe(true);
      if (m.created_at !== undefined) expect(m.created_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
      expect(m.task.id).toMatch(/^[0-9a-f-]{36}$/);
      const window = m.properties.find((p) => p.property_id === 'context_window')?.value;
      if (window !== undefined) expect(window).toMatch(/^\d+$/);
    }
    const scout = models.find((m) => m.name === '@cf/meta/llama-4-scout-17b-16e-instruct')!;
    // As published: function_calling, and no vision property (the proxy's id table still sends it images).
    expect(scout.properties).toEqual(expect.arrayContaining([{ property_id: 'function_calling', value: 'true' }, { property_id: 'context_window', value: '131000' }]));
    // As published: the -fast file carries no properties.
    expect(models.find((m) => m.name === LLAMA)!.properties).toEqual([]);
    // models() hands out copies
    models[0]!.name = 'changed';
    expect((await ai.models())[0]!.name).not.toBe('changed');
  });

  it('has a schema for known models and null for unknown ones', async () => {
    expect(JSON.stringify((await ai.schema('@cf/baai/bge-base-en-v1.5'))!.input)).toContain('"required":["text"]');
    expect(await ai.schema(LLAMA)).toHaveProperty('output');
    expect(await ai.schema('@cf/nope/nothing')).toBeNull();
  });
});

describe('text generation', () => {
  it('answers prompt and messages with {response, usage}', async () => {
    const out = await run(LLAMA, { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there!' }] });
    expect(Object.keys(out).sort()).toEqual(['response', 'usage']);
    expect(out.response).toContain(`synthetic reply from the Workers AI emulator for ${LLAMA}: you said "Hello there!"`);
    expect(out.usage.prompt_tokens).toBe(Math.ceil('Be brief.\nHello there!'.length / 4));
    expect(out.usage.total_tokens).toBe(out.usage.prompt_tokens + out.usage.completion_tokens);
    const p = await run(LLAMA, { prompt: 'Hi' });
    expect(p.usage.prompt_tokens).toBe(1);
    expect(p.response).toContain('you said "Hi"');
  });

  it('is deterministic, and seed changes the filler', async () => {
    const input = { messages: [{ role: 'user', content: 'Tell me something' }] };
    expect(await run(LLAMA, input)).toEqual(await run(LLAMA, input));
    const a = await run(LLAMA, { ...input, seed: 1 }), b = await run(LLAMA, { ...input, seed: 2 });
    expect(a.response).not.toBe(b.response);
    expect(await run(LLAMA, { ...input, seed: 1 })).toEqual(a);
  });

  it('honours max_tokens (default 256) and writes long text on request', async () => {
    const short = await run(LLAMA, { prompt: 'Write a long essay about the sea', max_tokens: 7 });
    expect(short.usage.completion_tokens).toBe(7);
    expect(short.response).toBe('This is a synthetic reply from the');
    const long = await run(LLAMA, { prompt: 'Write a long essay about the sea' });
    expect(long.usage.completion_tokens).toBe(256);
    const big = await run(LLAMA, { prompt: 'Write a long essay about the sea', max_tokens: 1000 });
    expect(big.usage.completion_tokens).toBe(1000);
    const count = await run(LLAMA, { prompt: 'count to 5' });
    expect(count.response).toContain('". 1, 2, 3, 4, 5.');
    const plain = await run(LLAMA, { prompt: 'Hi' });
    expect(plain.usage.completion_tokens).toBeLessThan(256);
  });

  it('streams the real SSE framing, one token per event, lazily', async () => {
    const stream = await ai.run(LLAMA, { prompt: 'Hi', stream: true, max_tokens: 4 });
    const { text, events } = await sse(stream);
    expect(events.at(-1)).toBe('[DONE]');
    const json = events.slice(0, -1).map((e) => JSON.parse(e) as J);
    expect(json.slice(0, 4).map((e) => e.response)).toEqual(['This', ' is', ' a', ' synthetic']);
    for (const e of json.slice(0, 4)) {
      expect(Object.keys(e)).toEqual(['response', 'p']);
      expect(e.p).toMatch(/^[a-z0-9]+$/);
    }
    expect(json[4]).toEqual({ response: '', usage: { prompt_tokens: 1, completion_tokens: 4, total_tokens: 5 } });
    expect(json).toHaveLength(5);
    // byte-exact framing
    expect(text.startsWith(`data: {"response":"This","p":"${json[0]!.p}"}\n\ndata: {"response":" is","p":"`)).toBe(true);
    expect(text.endsWith('data: {"response":"","usage":{"prompt_tokens":1,"completion_tokens":4,"total_tokens":5}}\n\ndata: [DONE]\n\n')).toBe(true);
    // the stream and the non-stream answer agree
    const full = await run(LLAMA, { prompt: 'Hi', max_tokens: 4 });
    expect(json.slice(0, 4).map((e) => e.response).join('')).toBe(full.response);
  });

  it('produces stream events on demand', async () => {
    const stream = (await ai.run(LLAMA, { prompt: 'count to 100000', stream: true, max_tokens: 100000 })) as ReadableStream<Uint8Array>;
    const reader = stream.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toMatch(/^data: \{"response":"This","p":"[a-z0-9]+"\}\n\n$/);
    await reader.cancel();
  });

  it('puts reasoning in <think> for qwq and leaves the opening tag out for deepseek-r1-distill', async () => {
    const qwq = await run('@cf/qwen/qwq-32b', { prompt: 'Why?' });
    expect(qwq.response).toMatch(/^<think>\n.+\n<\/think>\n\nThis is a synthetic reply/s);
    const r1 = await run('@cf/deepseek-ai/deepseek-r1-distill-qwen-32b', { messages: [{ role: 'user', content: 'Why?' }] });
    expect(r1.response).not.toContain('<think>');
    expect(r1.response).toMatch(/^The user wrote .+\n<\/think>\n\nThis is a synthetic reply/s);
  });

  it('answers qwen3 in chat.completion shape with reasoning_content, and streams chunks', async () => {
    const out = await run('@cf/qwen/qwen3-30b-a3b-fp8', { messages: [{ role: 'user', content: 'Hi' }] });
    expect(out).toMatchObject({ object: 'chat.completion', model: '@cf/qwen/qwen3-30b-a3b-fp8', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant' } }] });
    expect(out.choices[0].message.content).toContain('synthetic reply');
    expect(out.choices[0].message.reasoning_content).toContain('The user wrote "Hi"');
    const { events } = await sse(await ai.run('@cf/qwen/qwen3-30b-a3b-fp8', { messages: [{ role: 'user', content: 'Hi' }], stream: true, max_tokens: 3 }));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as J);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'length')).toBe(true);
    expect(chunks.at(-1)!.usage).toEqual({
      prompt_tokens: 1,
      completion_tokens: 3,
      total_tokens: 4,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 3 },
    });
  });

  it('answers gpt-oss Responses-style input with a response object', async () => {
    const out = await run('@cf/openai/gpt-oss-120b', { input: 'What is 2+2?', instructions: 'Be terse.' });
    expect(out).toMatchObject({ object: 'response', status: 'completed', instructions: 'Be terse.', model: '@cf/openai/gpt-oss-120b' });
    expect(out.id).toMatch(/^resp_/);
    expect(out.output[0]).toMatchObject({ type: 'reasoning', content: [{ type: 'reasoning_text' }] });
    expect(out.output[1]).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'output_text' }] });
    expect(out.output[1].content[0].text).toContain('you said "What is 2+2?"');
    expect(out.usage.total_tokens).toBe(out.usage.input_tokens + out.usage.output_tokens);
    const chat = await run('@cf/openai/gpt-oss-20b', { messages: [{ role: 'user', content: 'Hi' }] });
    expect(chat.object).toBe('chat.completion');
  });

  it('calls a tool the user names, in each model family own shape', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] } } }];
    const messages = [{ role: 'user', content: 'Use get_weather for Paris' }];
    const legacy = await run('@cf/meta/llama-3.3-70b-instruct-fp8-fast', { messages, tools });
    expect(legacy.tool_calls).toEqual([{ name: 'get_weather', arguments: { city: 'emulated', days: 1 } }]);
    const scout = await run('@cf/meta/llama-4-scout-17b-16e-instruct', { messages, tools });
    expect(scout.tool_calls[0]).toMatchObject({ type: 'function', function: { name: 'get_weather', arguments: { city: 'emulated', days: 1 } } });
    const oa = await run('@cf/qwen/qwen3-30b-a3b-fp8', { messages, tools });
    expect(oa.choices[0].finish_reason).toBe('tool_calls');
    expect(JSON.parse(oa.choices[0].message.tool_calls[0].function.arguments)).toEqual({ city: 'emulated', days: 1 });
    const cut = await run('@cf/qwen/qwen3-30b-a3b-fp8', { messages, tools, max_tokens: 2 });
    expect(cut.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: '' } });
    expect(cut.choices[0].message.tool_calls).toBeUndefined();
    const none = await run('@cf/meta/llama-3.3-70b-instruct-fp8-fast', { messages: [{ role: 'user', content: 'Hello' }], tools });
    expect(none.tool_calls).toBeUndefined();
  });

  it('answers JSON mode with a value that fits the schema', async () => {
    const out = await run('@cf/meta/llama-3.3-70b-instruct-fp8-fast', {
      messages: [{ role: 'user', content: 'A person' }],
      response_format: { type: 'json_schema', json_schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } } } },
    });
    expect(out.response).toEqual({ name: 'emulated', age: 1 });
  });

  it('moderates with llama-guard-3-8b', async () => {
    expect((await run('@cf/meta/llama-guard-3-8b', { messages: [{ role: 'user', content: 'How do I bake bread?' }] })).response).toBe('safe');
    expect((await run('@cf/meta/llama-guard-3-8b', { messages: [{ role: 'user', content: 'How do I build a bomb?' }] })).response).toBe('unsafe\nS1');
  });
});

describe('embeddings', () => {
  it.each([
    ['@cf/baai/bge-small-en-v1.5', 384],
    ['@cf/baai/bge-base-en-v1.5', 768],
    ['@cf/baai/bge-large-en-v1.5', 1024],
    ['@cf/baai/bge-m3', 1024],
    ['@cf/google/embeddinggemma-300m', 768],
  ])('%s gives %i-dim unit vectors', async (model, dims) => {
    const out = await run(model, { text: ['hello', 'world', 'hello'] });
    expect(out.shape).toEqual([3, dims]);
    expect(out.data).toHaveLength(3);
    for (const v of out.data as number[][]) {
      expect(v).toHaveLength(dims);
      expect(Math.abs(Math.hypot(...v) - 1)).toBeLessThan(1e-9);
    }
    expect(out.data[0]).toEqual(out.data[2]);
    expect(out.data[0]).not.toEqual(out.data[1]);
    expect((await run(model, { text: 'hello' })).data[0]).toEqual(out.data[0]);
  });

  it('echoes the bge pooling', async () => {
    expect((await run('@cf/baai/bge-base-en-v1.5', { text: 'x' })).pooling).toBe('mean');
    expect((await run('@cf/baai/bge-base-en-v1.5', { text: 'x', pooling: 'cls' })).pooling).toBe('cls');
  });
});

describe('images', () => {
  it('flux-1-schnell answers {image: base64 JPEG}', async () => {
    const out = await run('@cf/black-forest-labs/flux-1-schnell', { prompt: 'a cat', steps: 4 });
    startsWith(b64bytes(out.image), JPEG);
  });

  it('flux-2 takes multipart input and answers {image}', async () => {
    const form = new FormData();
    form.append('prompt', 'a cat');
    const req = new Response(form);
    const out = await run('@cf/black-forest-labs/flux-2-klein-4b', { multipart: { body: req.body, contentType: req.headers.get('content-type') } });
    startsWith(b64bytes(out.image), JPEG);
  });

  it('stable diffusion models stream PNG bytes of the requested size', async () => {
    const small = await bytesOf(await ai.run('@cf/stabilityai/stable-diffusion-xl-base-1.0', { prompt: 'a cat', width: 32, height: 16 }));
    startsWith(small, PNG);
    const dv = new DataView(small.buffer, small.byteOffset);
    expect([dv.getUint32(16), dv.getUint32(20)]).toEqual([32, 16]);
    for (const model of ['@cf/lykon/dreamshaper-8-lcm', '@cf/runwayml/stable-diffusion-v1-5-img2img', '@cf/runwayml/stable-diffusion-v1-5-inpainting'])
      startsWith(await bytesOf(await ai.run(model, { prompt: 'a dog', image: [1, 2, 3] })), PNG);
  });
});

describe('speech', () => {
  it('whisper transcribes a number array', async () => {
    const out = await run('@cf/openai/whisper', { audio: Array.from({ length: 64000 }, () => 0) });
    expect(Object.keys(out).sort()).toEqual(['text', 'vtt', 'word_count', 'words']);
    expect(out.text).toContain('synthetic');
    expect(out.word_count).toBe(out.words.length);
    expect(out.words[0]).toMatchObject({ word: 'This', start: 0 });
    expect(out.vtt.startsWith('WEBVTT')).toBe(true);
  });

  it('whisper-large-v3-turbo transcribes base64 audio', async () => {
    const out = await run('@cf/openai/whisper-large-v3-turbo', { audio: btoa('x'.repeat(48000)), language: 'fr' });
    expect(out.transcription_info).toMatchObject({ language: 'fr', duration: 1.5 });
    expect(out.segments[0]).toMatchObject({ start: 0, end: 1.5, text: out.text });
    expect(out.word_count).toBe(out.segments[0].words.length);
  });

  it('melotts answers {audio: base64 MP3}; aura streams MP3 bytes', async () => {
    const mel = b64bytes((await run('@cf/myshell-ai/melotts', { prompt: 'Hello world', lang: 'en' })).audio);
    startsWith(mel, [0xff, 0xfb]);
    expect(mel.length % 96).toBe(0);
    startsWith(await bytesOf(await ai.run('@cf/deepgram/aura-1', { text: 'Hello world' })), [0xff, 0xfb]);
  });
});

describe('other families', () => {
  it('translates, classifies, summarises, describes and detects', async () => {
    expect(await run('@cf/meta/m2m100-1.2b', { text: 'Hello', source_lang: 'en', target_lang: 'fr' })).toEqual({ translated_text: '[emulator en->fr] Hello' });
    const cls = (await run('@cf/huggingface/distilbert-sst-2-int8', { text: 'I love this great film' })) as unknown as J[];
    expect(cls.map((c) => c.label)).toEqual(['POSITIVE', 'NEGATIVE']);
    expect(cls[0]!.score).toBeGreaterThan(0.9);
    expect(cls[0]!.score + cls[1]!.score).toBeCloseTo(1, 6);
    expect((await run('@cf/llava-hf/llava-1.5-7b-hf', { image: [1, 2, 3], prompt: 'What is this?' })).description).toContain('synthetic');
    const det = (await run('@cf/facebook/detr-resnet-50', { image: [1, 2, 3] })) as unknown as J[];
    expect(det[0]).toMatchObject({ score: expect.any(Number), label: expect.any(String), box: { xmin: expect.any(Number) } });
    const top = (await run('@cf/microsoft/resnet-50', { image: [1, 2, 3] })) as unknown as J[];
    expect(top).toHaveLength(5);
    const rr = await run('@cf/baai/bge-reranker-base', { query: 'red apple', contexts: [{ text: 'blue car' }, { text: 'red apple pie' }] });
    expect(rr.response[0].id).toBe(1);
  });
});

describe('errors', () => {
  it('rejects unknown models with 5007', async () => {
    await rejects(ai.run('@cf/nope/nothing', { prompt: 'x' }), 5007, 400, /^5007: No such model @cf\/nope\/nothing or task$/);
  });

  it('rejects inputs missing the required field with 5006', async () => {
    await rejects(ai.run(LLAMA, {}), 5006, 400, /^5006: Error: .*required properties at '\/' are 'prompt'/);
    await rejects(ai.run('@cf/baai/bge-base-en-v1.5', { input: 'x' }), 5006, 400, /^5006: Error: required properties at '\/' are 'text'$/);
    await rejects(ai.run('@cf/meta/m2m100-1.2b', { text: 'x' }), 5006, 400, /'target_lang'/);
    await rejects(ai.run('@cf/black-forest-labs/flux-1-schnell', {}), 5006, 400, /'prompt'/);
    await rejects(ai.run('@cf/openai/whisper', {}), 5006, 400, /'audio'/);
    await rejects(ai.run(LLAMA, { prompt: 'x', temperature: 9 }), 5006, 400, /temperature/);
    await rejects(ai.run(LLAMA, { prompt: 'x', max_tokens: 0 }), 5006, 400, /max_tokens/);
  });

  it('stops when the signal is aborted', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(ai.run(LLAMA, { prompt: 'x' }, { signal: ctl.signal })).rejects.toThrow();
  });
});

describe('text generation: shapes used by the chat features', () => {
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
  const messages = [{ role: 'user', content: 'Use get_weather for Paris' }];

  it('refuses JSON mode on a streaming call with 5023, as Workers AI does', async () => {
    const format = { type: 'json_schema', json_schema: { type: 'object' } };
    await rejects(ai.run('@cf/meta/llama-3.3-70b-instruct-fp8-fast', { messages, response_format: format, stream: true }), 5023, 400, /not supported with stream/);
    await rejects(ai.run('@cf/qwen/qwq-32b', { messages, guided_json: { type: 'object' }, stream: true }), 5023, 400, /stream/);
  });

  it('streams llama-4-scout tool calls as indexed fragments ending in a null entry', async () => {
    const { events } = await sse(await ai.run('@cf/meta/llama-4-scout-17b-16e-instruct', { messages, tools, stream: true }));
    const calls = events.slice(0, -1).map((e) => JSON.parse(e) as J).filter((e) => e.tool_calls).map((e) => e.tool_calls[0]);
    expect(calls[0]).toMatchObject({ type: 'function', index: 0, function: { name: 'get_weather' } });
    expect(calls[0].id).toMatch(/^call_/);
    expect(calls.slice(1, -1).map((c) => c.function.arguments).join('')).toBe('{"city":"emulated"}');
    expect(calls.at(-1)).toEqual({ id: null, type: null, function: { name: null, arguments: null } });
  });

  it('streams gpt-oss function calls as Responses item and argument events', async () => {
    const text = new TextDecoder().decode(await bytesOf(await ai.run('@cf/openai/gpt-oss-120b', { input: 'Use get_weather for Paris', tools: [{ type: 'function', name: 'get_weather', parameters: tools[0]!.function.parameters }], stream: true })));
    const events = text.trim().split('\n\n').map((block) => JSON.parse(block.split('\n')[1]!.slice(6)) as J);
    const types = events.map((e) => e.type);
    const order = ['response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done', 'response.completed'].map((t) => types.indexOf(t));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    const added = events.find((e) => e.type === 'response.output_item.added')!;
    expect(added.item).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '' });
    const args = events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => e.delta).join('');
    expect(args).toBe('{"city":"emulated"}');
    expect(events.at(-1)!.response.output.at(-1)).toMatchObject({ type: 'function_call', call_id: added.item.call_id });
  });
});
