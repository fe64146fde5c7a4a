import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectSchema } from './openapi/validate';
import { fakeAI } from './support/fake-ai';
import { CATALOG_WITH_MORE } from './support/more-models';
import { bindingEnv, call } from './support/http';

/**
 * Property-based hostility: malformed and adversarial bodies, headers and multipart parts on
 * every endpoint. The proxy must never answer 5xx itself, never crash, and every error must be
 * OpenAI-shaped (Ollama-shaped under /api/).
 */

// A well-behaved fake upstream: any 5xx below would be the proxy's own fault.
const ai = fakeAI((model, inputs) => {
  if (model.includes('/bge-')) {
    const texts: unknown[] = Array.isArray(inputs.text) ? inputs.text : [inputs.text];
    return { shape: [texts.length, 4], data: texts.map(() => [0.5, 0.5, 0.5, 0.5]), pooling: 'mean' };
  }
  if (model.includes('llama-guard')) return { response: 'safe', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
  if (inputs.stream) return new Response('data: {"response":"ok"}\n\ndata: [DONE]\n\n').body;
  return { response: 'ok', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
}, CATALOG_WITH_MORE);
const env = bindingEnv(ai, { MAX_BODY_BYTES: '65536' });

interface Endpoint {
  path: string;
  method: 'POST' | 'GET';
  /** A valid body to mutate. */
  valid?: Record<string, unknown>;
  multipart?: boolean;
  ollama?: boolean;
}

const CHAT = '@cf/meta/llama-3.1-8b-instruct';
export const ENDPOINTS: Endpoint[] = [
  { path: '/v1/chat/completions', method: 'POST', valid: { model: CHAT, messages: [{ role: 'user', content: 'hi' }] } },
  { path: '/v1/embeddings', method: 'POST', valid: { model: '@cf/baai/bge-base-en-v1.5', input: ['a', 'b'], encoding_format: 'base64' } },
  { path: '/v1/moderations', method: 'POST', valid: { model: 'omni-moderation-latest', input: 'hello' } },
  { path: '/v1/models', method: 'GET' },
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
