/** Image input (`image_url` parts) through /v1/chat/completions. No test touches the network: fetch is stubbed. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_IMAGE_BYTES } from '../../../src/services/chat/vision';
import { TEST_CATALOG, catalogModel } from '../../support/catalog';
import { fakeAI } from '../../support/fake-ai';
import { bindingEnv, expectError, jsonOf, postJson, sseEvents } from '../../support/http';

const SCOUT = '@cf/meta/llama-4-scout-17b-16e-instruct';
const LLAMA_VISION = '@cf/meta/llama-3.2-11b-vision-instruct';
const LLAVA = '@cf/llava-hf/llava-1.5-7b-hf';
const PNG = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82]);
const pngB64 = btoa(String.fromCharCode(...PNG));
const DATA_URL = `data:image/png;base64,${pngB64}`;

const withImage = (url: string, text = 'What is this?') => [
  { role: 'user', content: [{ type: 'text', text }, { type: 'image_url', image_url: { url, detail: 'high' } }] },
];
const chat = (ai: ReturnType<typeof fakeAI>, body: Record<string, unknown>) => postJson(bindingEnv(ai), '/v1/chat/completions', body);

/** Stubs the Worker's outbound fetch (image downloads) and records the URLs asked for. */
function stubFetch(answer: (url: string) => Response | Promise<Response>) {
  const urls: string[] = [];
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : String(input);
    urls.push(url);
    return answer(url);
  });
  return urls;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('vision: content-part models (llama-4-scout, gemma-3, mistral-small-3.1, kimi)', () => {
  it.each([SCOUT, '@cf/google/gemma-3-12b-it', '@cf/mistralai/mistral-small-3.1-24b-instruct', '@cf/moonshotai/kimi-k2.6'])(
    '%s gets text and image_url parts with the data URL as sent',
    async (model) => {
      const ai = fakeAI(() => ({ response: 'A cat.', usage: { prompt_tokens: 900, completion_tokens: 2, total_tokens: 902 } }));
      const body = await jsonOf(await chat(ai, { model, messages: withImage(DATA_URL) }), 'CreateChatCompletionResponse');
      expect(body.choices[0].message.content).toBe('A cat.');
      expect(ai.calls[0]!.inputs.messages).toEqual([
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: DATA_URL } }] },
      ]);
    },
  );

  it('downloads an http(s) image and sends it inline (Workers AI takes no image URLs)', async () => {
    const urls = stubFetch(() => new Response(PNG, { headers: { 'content-type': 'image/png' } }));
    const ai = fakeAI();
    const res = await chat(ai, { model: SCOUT, messages: withImage('https://images.example/cat.png') });
    expect(res.status).toBe(200);
    expect(urls).toEqual(['https://images.example/cat.png']);
    expect(ai.calls[0]!.inputs.messages[0].content[1]).toEqual({ type: 'image_url', image_url: { url: DATA_URL } });
  });

  it('accepts image_url given as a bare string, and keeps text-only messages as strings', async () => {
    const ai = fakeAI();
    const messages = [
      { role: 'system', content: 'You describe images.' },
      { role: 'user', content: [{ type: 'image_url', image_url: DATA_URL }] },
    ];
    expect((await chat(ai, { model: SCOUT, messages })).status).toBe(200);
    expect(ai.calls[0]!.inputs.messages).toEqual([
      { role: 'system', content: 'You describe images.' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: DATA_URL } }] },
    ]);
  });

  it('streams the answer about an image', async () => {
    const ai = fakeAI(() => new Response('data: {"response":"A "}\n\ndata: {"response":"cat."}\n\ndata: [DONE]\n\n').body);
    const events = await sseEvents(await chat(ai, { model: SCOUT, messages: withImage(DATA_URL), stream: true }));
    expect(events.slice(0, -1).map((e) => e.json.choices[0]?.delta?.content ?? '').join('')).toBe('A cat.');
  });
});

describe('vision: llama-3.2-11b-vision (top-level image bytes)', () => {
  it('sends the image as a byte array next to text-only messages', async () => {
    const ai = fakeAI(() => ({ response: 'A PNG.' }));
    const body = await jsonOf(await chat(ai, { model: LLAMA_VISION, messages: withImage(DATA_URL) }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message.content).toBe('A PNG.');
    expect(ai.calls[0]!.inputs.image).toEqual([...PNG]);
    expect(ai.calls[0]!.inputs.messages).toEqual([{ role: 'user', content: 'What is this?' }]);
  });

  it('downloads an http image into bytes', async () => {
    stubFetch(() => new Response(PNG, { headers: { 'content-type': 'image/png' } }));
    const ai = fakeAI();
    expect((await chat(ai, { model: LLAMA_VISION, messages: withImage('http://images.example/a.png') })).status).toBe(200);
    expect(ai.calls[0]!.inputs.image).toEqual([...PNG]);
  });

  it('takes one image per request: two are a 400', async () => {
    const messages = [{ role: 'user', content: [{ type: 'image_url', image_url: { url: DATA_URL } }, { type: 'image_url', image_url: { url: DATA_URL } }] }];
    await expectError(await chat(fakeAI(), { model: LLAMA_VISION, messages }), 400, { code: 'unsupported_parameter', message: /exactly one image/ });
  });
});

describe('vision: llava (Image-to-Text)', () => {
  it('sends {prompt, image} and reads {description}', async () => {
    const ai = fakeAI(() => ({ description: ' A small PNG.' }));
    const body = await jsonOf(await chat(ai, { model: LLAVA, messages: withImage(DATA_URL, 'Caption this'), max_tokens: 50 }), 'CreateChatCompletionResponse');
    expect(body.choices[0].message.content).toBe(' A small PNG.');
    expect(ai.calls[0]!.inputs).toEqual({ prompt: 'Caption this', image: [...PNG], max_tokens: 50 });
  });

  it('answers a streaming request as a stream (the model itself does not stream)', async () => {
    const ai = fakeAI(() => ({ description: 'A cat.' }));
    const events = await sseEvents(await chat(ai, { model: LLAVA, messages: withImage(DATA_URL), stream: true }));
    expect(events.slice(0, -1).map((e) => e.json.choices[0]?.delta?.content ?? '').join('')).toBe('A cat.');
    expect(ai.calls[0]!.inputs.stream).toBeUndefined();
  });

  it('needs an image', async () => {
    await expectError(await chat(fakeAI(), { model: LLAVA, messages: [{ role: 'user', content: 'Hi' }] }), 400, { message: /exactly one image/ });
  });

  it('cannot call tools', async () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    await expectError(await chat(fakeAI(), { model: LLAVA, messages: withImage(DATA_URL), tools }), 400, { param: 'tools', code: 'unsupported_parameter' });
  });
});

describe('vision: moondream3.1 (Image-to-Text with its own input)', () => {
  const MOONDREAM = '@cf/moondream/moondream3.1-9B-A2B';
  const catalog = [...TEST_CATALOG, catalogModel(MOONDREAM, 'Image-to-Text', { vision: 'true' })];
  // The answer as its output schema (../shared/workers-ai-models/moondream3.1-9B-A2B.json) describes it.
  const answer = {
    finish_reason: 'stop',
    metrics: { input_tokens: 740, output_tokens: 6, prefill_time_ms: 40, decode_time_ms: 90, ttft_ms: 44 },
    answer: 'A small PNG.',
    caption: null,
    points: null,
    objects: null,
    reasoning: { text: 'It is a tiny image.', grounding: [] },
  };

  it('sends {task: "query", question, image as a data URI, stream: false} and reads answer, reasoning and metrics', async () => {
    const ai = fakeAI(() => answer, catalog);
    const body = await jsonOf(await chat(ai, { model: MOONDREAM, messages: withImage(DATA_URL, 'Caption this'), max_tokens: 50 }), 'CreateChatCompletionResponse');
    expect(ai.calls[0]!.inputs).toEqual({ task: 'query', question: 'Caption this', image: DATA_URL, stream: false, max_tokens: 50 });
    expect(body.choices[0].message).toMatchObject({ content: 'A small PNG.', reasoning_content: 'It is a tiny image.' });
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.usage).toMatchObject({ prompt_tokens: 740, completion_tokens: 6, total_tokens: 746 });
  });

  it('answers a streaming request as a stream from the one non-stream call', async () => {
    const ai = fakeAI(() => answer, catalog);
    const events = await sseEvents(await chat(ai, { model: MOONDREAM, messages: withImage(DATA_URL), stream: true }));
    expect(events.slice(0, -1).map((e) => e.json.choices[0]?.delta?.content ?? '').join('')).toBe('A small PNG.');
    expect(ai.calls[0]!.inputs.stream).toBe(false);
  });
});

describe('vision: refusals and bad images', () => {
  it.each(['@cf/meta/llama-3.1-8b-instruct', '@cf/openai/gpt-oss-120b', '@cf/qwen/qwq-32b'])('text-only %s answers 400 naming the message', async (model) => {
    const ai = fakeAI();
    const err = await expectError(await chat(ai, { model, messages: [{ role: 'user', content: 'x' }, ...withImage(DATA_URL)] }), 400, {
      code: 'unsupported_parameter',
      param: 'messages[1].content',
    });
    expect(err.message).toMatch(/does not accept images/);
    expect(ai.calls).toHaveLength(0);
  });

  it('the catalog vision property decides when present', async () => {
    const catalog = (await import('../../support/catalog')).TEST_CATALOG.map((m) =>
      m.name === '@cf/meta/llama-3.1-8b-instruct' ? { ...m, properties: [...m.properties, { property_id: 'vision', value: true }] } : m,
    );
    const ai = fakeAI(undefined, catalog);
    expect((await chat(ai, { model: '@cf/meta/llama-3.1-8b-instruct', messages: withImage(DATA_URL) })).status).toBe(200);
    expect(ai.calls[0]!.inputs.messages[0].content[1].type).toBe('image_url');
  });

  const param = 'messages[0].content[1].image_url';
  it.each([
    ['ftp://images.example/a.png', 'invalid_image_url', /http\(s\) or data/],
    ['not a url', 'invalid_image_url', /not a valid URL/],
    ['data:text/plain;base64,aGVsbG8=', 'invalid_image_format', /base64 images/],
    ['data:image/png;base64,@@@', 'invalid_base64_image', /not valid base64/],
  ])('%s is a 400 %s', async (url, code, message) => {
    const ai = fakeAI();
    await expectError(await chat(ai, { model: SCOUT, messages: withImage(url) }), 400, { code, param, message });
    expect(ai.calls).toHaveLength(0);
  });

  it('an undecodable data URL for a byte-taking model is a 400', async () => {
    await expectError(await chat(fakeAI(), { model: LLAMA_VISION, messages: withImage('data:image/png;base64,a') }), 400, { code: 'invalid_base64_image' });
  });

  it('a data URL over the size limit is a 400', async () => {
    const big = `data:image/png;base64,${'A'.repeat(Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 16)}`;
    await expectError(await chat(fakeAI(), { model: SCOUT, messages: withImage(big) }), 400, { code: 'image_too_large', param });
  });

  it('a failed download is a 400 naming the status', async () => {
    stubFetch(() => new Response('nope', { status: 404 }));
    await expectError(await chat(fakeAI(), { model: SCOUT, messages: withImage('https://images.example/missing.png') }), 400, {
      code: 'invalid_image_url',
      param,
      message: /HTTP 404/,
    });
  });

  it('an unreachable host is a 400', async () => {
    stubFetch(() => Promise.reject(new TypeError('Network connection lost.')));
    await expectError(await chat(fakeAI(), { model: SCOUT, messages: withImage('https://down.example/a.png') }), 400, { code: 'invalid_image_url', message: /Network connection lost/ });
  });

  it('a download that times out is a 400', async () => {
    stubFetch(() => Promise.reject(new DOMException('The operation was aborted due to timeout', 'TimeoutError')));
    await expectError(await chat(fakeAI(), { model: SCOUT, messages: withImage('https://slow.example/a.png') }), 400, { code: 'image_download_timeout', message: /Timed out/ });
  });

  it('a declared size over the limit is refused before reading the body', async () => {
    let pulled = 0;
    stubFetch(
      () =>
        new Response(new ReadableStream({ pull: (c) => void (pulled++, c.enqueue(new Uint8Array(1024))) }), {
          headers: { 'content-type': 'image/png', 'content-length': String(MAX_IMAGE_BYTES + 1) },
        }),
    );
    await expectError(await chat(fakeAI(), { model: SCOUT, messages: withImage('https://big.example/a.png') }), 400, { code: 'image_too_large' });
    expect(pulled).toBeLessThanOrEqual(1);
  });

  it('a body that grows past the limit without a length is cut off', async () => {
    let sent = 0;
    stubFetch(
      () =>
        new Response(
          new ReadableStream({
            pull(c) {
              sent += 1024 * 1024;
              c.enqueue(new Uint8Array(1024 * 1024));
            },
          }),
          { headers: { 'content-type': 'image/jpeg' } },
        ),
    );
    await expectError(await chat(fakeAI(), { model: SCOUT, messages: withImage('https://endless.example/a.jpg') }), 400, { code: 'image_too_large' });
    expect(sent).toBeLessThan(MAX_IMAGE_BYTES + 4 * 1024 * 1024);
  });

  it('a URL that is not an image is a 400', async () => {
    stubFetch(() => new Response('<html></html>', { headers: { 'content-type': 'text/html' } }));
    await expectError(await chat(fakeAI(), { model: SCOUT, messages: withImage('https://example.com/') }), 400, { code: 'unsupported_image_media_type' });
  });

  it('audio and file parts are refused as unsupported', async () => {
    const messages = [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }] }];
    await expectError(await chat(fakeAI(), { model: SCOUT, messages }), 400, { code: 'unsupported_parameter', param: 'messages[0].content' });
  });
});
