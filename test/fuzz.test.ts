import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectSchema } from './openapi/validate';
import { KEY, call } from './support/http';

/**
 * Property-based hostility: malformed and adversarial bodies, headers and multipart parts on
 * every endpoint. The proxy must never answer 5xx itself, never crash, and every error must be
 * OpenAI-shaped (Ollama-shaped under /api/).
 */

// The emulator is a well-behaved upstream that answers every family in its real shape:
// any 5xx below would be the proxy's own fault.
const env = { LOG_REQUESTS: 'false', PROXY_API_KEY: KEY, MAX_BODY_BYTES: '65536' };

interface Endpoint {
  path: string;
  method: 'POST' | 'GET' | 'DELETE';
  /** A valid body to mutate. */
  valid?: Record<string, unknown>;
  multipart?: boolean;
  ollama?: boolean;
}

const CHAT = '@cf/meta/llama-3.1-8b-instruct-fast';
export const ENDPOINTS: Endpoint[] = [
  { path: '/v1/chat/completions', method: 'POST', valid: { model: CHAT, messages: [{ role: 'user', content: 'hi' }] } },
  { path: '/v1/completions', method: 'POST', valid: { model: CHAT, prompt: ['a', 'b'], n: 2 } },
  { path: '/v1/chat/completions', method: 'POST', valid: { model: '@cf/meta/llama-4-scout-17b-16e-instruct', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }], tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }], stream: true } },
  { path: '/v1/responses', method: 'POST', valid: { model: '@cf/meta/llama-3.3-70b-instruct-fp8-fast', tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }], instructions: 'Be brief.', input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }, { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: 'c1', output: 'ok' }], text: { format: { type: 'json_object' } }, max_output_tokens: 50, stream: true } },
  { path: '/v1/embeddings', method: 'POST', valid: { model: '@cf/baai/bge-base-en-v1.5', input: ['a', 'b'], encoding_format: 'base64' } },
  { path: '/v1/moderations', method: 'POST', valid: { model: 'omni-moderation-latest', input: 'hello' } },
  { path: '/v1/images/generations', method: 'POST', valid: { model: '@cf/black-forest-labs/flux-1-schnell', prompt: 'a cat', response_format: 'b64_json' } },
  { path: '/v1/audio/speech', method: 'POST', valid: { model: 'tts-1', input: 'hello', voice: 'alloy' } },
  { path: '/v1/images/edits', method: 'POST', multipart: true },
  { path: '/v1/audio/transcriptions', method: 'POST', multipart: true },
  { path: '/v1/audio/translations', method: 'POST', multipart: true },
  { path: '/api/chat', method: 'POST', ollama: true, valid: { model: CHAT, messages: [{ role: 'user', content: 'hi' }], stream: false } },
  { path: '/api/generate', method: 'POST', ollama: true, valid: { model: CHAT, prompt: 'hi', stream: false } },
  { path: '/api/embed', method: 'POST', ollama: true, valid: { model: '@cf/baai/bge-base-en-v1.5', input: ['a'] } },
  { path: '/api/show', method: 'POST', ollama: true, valid: { model: CHAT } },
  { path: '/v1/rag/documents', method: 'POST', valid: { documents: [{ id: 'guide', text: 'Lighthouses guide ships. '.repeat(30), metadata: { lang: 'en' } }], chunk_size: 200 } },
  { path: '/v1/rag/search', method: 'POST', valid: { query: 'lighthouse', top_k: 3, filter: { lang: { $in: ['en'] } }, min_score: 0 } },
  { path: '/v1/rag/chat', method: 'POST', valid: { messages: [{ role: 'user', content: 'What guides ships?' }], rag: { top_k: 2 }, stream: true } },
  { path: '/v1/rag/documents/delete', method: 'POST', valid: { ids: ['guide'] } },
  { path: '/v1/rag/documents/docs%2Fguide', method: 'DELETE' },
  { path: '/v1/models', method: 'GET' },
  { path: '/api/tags', method: 'GET', ollama: true },
];

const RUNS = 60;
// A fixed seed keeps CI reproducible; change it locally to explore new inputs.
fc.configureGlobal({ seed: 20261123 });

async function expectWellFormed(res: Response, ollama = false) {
  const text = await res.text();
  expect(res.status, text).toBeLessThan(500);
  if (res.status >= 400) {
    const body = JSON.parse(text);
    if (ollama) expect(typeof body.error).toBe('string');
    else expectSchema('ErrorResponse', body);
  }
}

// Values that break naive code: prototype keys, huge numbers, deep nesting, odd unicode.
const hostileValue = fc.oneof(
  fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }),
  fc.constantFrom('__proto__', 'constructor', '\u0000', '\uD800', '💥'.repeat(50), -0, NaN, Infinity, 1e308, -1, 2 ** 53, ''),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

function mutate(valid: Record<string, unknown>) {
  return fc.oneof(
    fc.record({ key: fc.constantFrom(...Object.keys(valid), '__proto__', 'constructor', 'stream', 'n', 'tools'), value: hostileValue }).map(({ key, value }) => ({ ...valid, [key]: value })),
    fc.dictionary(fc.string({ maxLength: 12 }), hostileValue, { maxKeys: 6 }),
    hostileValue,
  );
}

describe.each(ENDPOINTS.filter((e) => e.method === 'POST' && !e.multipart))('fuzz JSON body: $path', ({ path, valid, ollama }) => {
  it('never answers 5xx or a non-standard error for mutated bodies', async () => {
    await fc.assert(
      fc.asyncProperty(mutate(valid ?? {}), async (body) => {
        let raw: string;
        try {
          raw = JSON.stringify(body) ?? 'null';
        } catch {
          raw = '{}';
        }
        await expectWellFormed(await call(env, path, { method: 'POST', raw, headers: { 'content-type': 'application/json' } }), ollama);
      }),
      { numRuns: RUNS },
    );
  });

  it('never answers 5xx for raw garbage bytes under any content type', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 512 }),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', ''),
        async (bytes, type) => {
          const headers: Record<string, string> = type ? { 'content-type': type } : {};
          await expectWellFormed(await call(env, path, { method: 'POST', raw: bytes, headers }), ollama);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

const FIELD_NAMES = ['model', 'prompt', 'n', 'size', 'response_format', 'language', 'temperature', 'timestamp_granularities[]', 'strength', 'mask', 'image', 'image[]', 'file', '__proto__'];
const MODEL_VALUES = ['@cf/openai/whisper', 'whisper-1', '@cf/runwayml/stable-diffusion-v1-5-img2img', '@cf/black-forest-labs/flux-2-dev', 'nope', ''];
// Real magic numbers so some parts get past the format sniffing and reach deeper code.
const MAGIC = [[0x52, 0x49, 0x46, 0x46, 0x24, 0, 0, 0, 0x57, 0x41, 0x56, 0x45], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0xff, 0xd8, 0xff], [0x49, 0x44, 0x33], [0x66, 0x4c, 0x61, 0x43], []];
const part = fc.record({
  name: fc.constantFrom(...FIELD_NAMES),
  file: fc.boolean(),
  text: fc.oneof(fc.constantFrom(...MODEL_VALUES, 'verbose_json', 'srt', '2', '-1', '1e9', 'NaN', '256x256'), fc.string({ maxLength: 40 })),
  bytes: fc.tuple(fc.constantFrom(...MAGIC), fc.uint8Array({ maxLength: 300 })).map(([m, rest]) => new Uint8Array([...m, ...rest])),
  filename: fc.constantFrom('a.wav', 'a.mp3', 'a.png', 'a.txt', '', '../../etc/passwd', 'x'.repeat(300)),
  type: fc.constantFrom('audio/wav', 'image/png', 'application/octet-stream', 'text/plain', ''),
});

describe.each(ENDPOINTS.filter((e) => e.multipart))('fuzz multipart: $path', ({ path }) => {
  it('never answers 5xx for hostile forms', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 8 }), async (parts) => {
        const form = new FormData();
        for (const p of parts) {
          if (p.file) form.append(p.name, new File([p.bytes], p.filename, p.type ? { type: p.type } : {}));
          else form.append(p.name, p.text);
        }
        await expectWellFormed(await call(env, path, { method: 'POST', raw: form }));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('fuzz headers', () => {
  it('hostile Authorization / x-api-key / origin headers never cause a 5xx', async () => {
    const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 });
    await fc.assert(
      fc.asyncProperty(headerValue, headerValue, headerValue, fc.constantFrom(...ENDPOINTS), async (auth, apiKey, origin, endpoint) => {
        const res = await call(env, endpoint.path, {
          method: endpoint.method,
          anonymous: true,
          headers: { authorization: auth, 'x-api-key': apiKey, origin },
          ...(endpoint.method === 'POST' && { raw: JSON.stringify(endpoint.valid ?? {}), headers: { authorization: auth, 'x-api-key': apiKey, origin, 'content-type': 'application/json' } }),
        });
        await expectWellFormed(res, endpoint.ollama);
      }),
      { numRuns: RUNS },
    );
  });

  it('hostile paths never cause a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.webPath(), async (path) => {
        await expectWellFormed(await call(env, path.startsWith('/') ? path : `/${path}`));
      }),
      { numRuns: RUNS },
    );
  });
});
