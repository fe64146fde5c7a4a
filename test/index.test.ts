/** The production entry (src/index.ts): no emulator, so a Worker with no transport says what to configure. */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../src/index';
import type { Env } from '../src/env';
import { call, expectError, KEY } from './support/http';

const chatBody = { model: '@cf/meta/llama-3.1-8b-instruct-fast', messages: [{ role: 'user', content: 'Hi' }] };

async function production(env: Env, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) };
  const res = await worker.fetch!(new Request(`http://proxy.test${path}`, { ...init, headers }) as never, env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

describe('production entry with no AI binding and no credentials', () => {
  const calls: [string, RequestInit?][] = [
    ['/v1/models'],
    ['/v1/chat/completions', { method: 'POST', body: JSON.stringify(chatBody) }],
    ['/v1/embeddings', { method: 'POST', body: JSON.stringify({ model: '@cf/baai/bge-base-en-v1.5', input: 'hi' }) }],
    ['/v1/responses', { method: 'POST', body: JSON.stringify({ model: '@cf/openai/gpt-oss-120b', input: 'hi' }) }],
    ['/chat/completions', { method: 'POST', body: JSON.stringify(chatBody) }],
  ];

  it.each(calls)('%s answers 503 proxy_misconfigured naming what to configure', async (path, init) => {
    for (const env of [{ PROXY_API_KEY: KEY }, {}, { PROXY_API_KEY: KEY, AI_TRANSPORT: 'emulator' }] as Env[]) {
      const res = await production(env, path, init);
      const body = await expectError(res, 503, { code: 'proxy_misconfigured', type: 'server_error' });
      expect(body.message).toContain('[ai] binding = "AI"');
      expect(body.message).toContain('CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN');
      expect(JSON.stringify(body)).not.toMatch(/synthetic/i);
    }
  });

  it('the same env on the dev entry is served by the emulator (what production refuses)', async () => {
    const res = await call({ PROXY_API_KEY: KEY } as Env, '/v1/chat/completions', { body: chatBody });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain('synthetic reply from the Workers AI emulator');
  });
});

describe('production entry with no transport, to Ollama and Anthropic clients', () => {
  const ollama: [string, RequestInit?][] = [
    ['/api/tags'],
    ['/api/chat', { method: 'POST', body: JSON.stringify({ model: '@cf/meta/llama-3.1-8b-instruct-fast', messages: [{ role: 'user', content: 'Hi' }], stream: false }) }],
    ['/api/generate', { method: 'POST', body: JSON.stringify({ model: '@cf/meta/llama-3.1-8b-instruct-fast', prompt: 'Hi', stream: false }) }],
    ['/api/embed', { method: 'POST', body: JSON.stringify({ model: '@cf/baai/bge-base-en-v1.5', input: 'hi' }) }],
  ];

  it.each(ollama)('%s answers 503 in Ollama\'s shape, {error: string}, naming what to configure', async (path, init) => {
    for (const env of [{ PROXY_API_KEY: KEY }, {}] as Env[]) {
      const res = await production(env, path, init);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = await res.json<Record<string, unknown>>();
      expect(Object.keys(body)).toEqual(['error']);
      expect(typeof body.error).toBe('string');
      expect(body.error).toContain('[ai] binding = "AI"');
      expect(body.error).toContain('CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN');
    }
  });

  it('/v1/messages answers 503 in Anthropic\'s shape: an api_error naming what to configure', async () => {
    const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] });
    for (const env of [{ PROXY_API_KEY: KEY }, {}] as Env[]) {
      const res = await production(env, '/v1/messages', { method: 'POST', body, headers: { 'anthropic-version': '2023-06-01' } });
      const json = await res.json<any>();
      expect({ status: res.status, keys: Object.keys(json).sort(), type: json.type, errorKeys: Object.keys(json.error).sort() }).toEqual({
        status: 503,
        keys: ['error', 'request_id', 'type'],
        type: 'error',
        errorKeys: ['message', 'type'],
      });
      expect(json.error.type).toBe('api_error');
      expect(json.request_id).toBe(res.headers.get('request-id'));
      expect(json.error.message).toContain('[ai] binding = "AI"');
      expect(res.headers.get('request-id')).toBeTruthy();
    }
  });
});
