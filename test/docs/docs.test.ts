import { describe, expect, it } from 'vitest';
import { app } from '../../src/app';
import { ENDPOINTS } from '../../src/docs/endpoints';
import { env } from 'cloudflare:test';
import { bindingEnv, call, expectError, KEY } from '../support/http';
import { fakeAI } from '../support/fake-ai';

const norm = (path: string) => path.replace(/:\w+(\{[^}]*\})?/g, '{}').replace(/\{\w+\}/g, '{}');

describe('GET /openapi.json', () => {
  it('is a public OpenAPI 3.1 document with every endpoint and its request schema', async () => {
    const res = await call(bindingEnv(), '/openapi.json', { anonymous: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = await res.json<any>();
    expect(doc.openapi).toBe('3.1.0');
    for (const e of ENDPOINTS) expect(doc.paths[e.path]?.[e.method], `${e.method} ${e.path}`).toBeDefined();
    const chat = doc.paths['/v1/chat/completions'].post.requestBody.content['application/json'].schema;
    expect(chat.required).toEqual(expect.arrayContaining(['model', 'messages']));
    expect(chat.properties.temperature.anyOf).toContainEqual({ type: 'number', minimum: 0, maximum: 2 });
    const transcription = doc.paths['/v1/audio/transcriptions'].post.requestBody.content['multipart/form-data'].schema;
    expect(transcription.properties.file).toEqual({ type: 'string', format: 'binary' });
    expect(doc.paths['/health'].get.security).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain(KEY);
  });

  it('documents exactly the routes the app serves', () => {
    const served = new Set(
      app.routes
        .filter((r) => r.method !== 'ALL' && !r.path.includes('*'))
        // The OpenAI routes are mounted at /v1 and at the root; the reference lists the /v1 form.
        .filter((r) => r.path.startsWith('/v1/') || r.path.startsWith('/api/') || ['/', '/docs', '/openapi.json', '/health'].includes(r.path))
        .map((r) => `${r.method.toLowerCase()} ${norm(r.path)}`),
    );
    const documented = new Set(ENDPOINTS.map((e) => `${e.method} ${norm(e.path)}`));
    expect([...served].sort()).toEqual([...documented].sort());
  });
});

describe('GET /docs and GET /', () => {
  it('serves the reference page, public, with a strict CSP', async () => {
    const res = await call(bindingEnv(), '/docs', { anonymous: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    for (const e of ENDPOINTS) expect(html).toContain(e.path.replace(/[{}]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/&#123;/g, '{').replace(/&#125;/g, '}'));
  });

  it('serves the playground page, public, talking only to its own origin', async () => {
    const res = await call(bindingEnv(), '/', { anonymous: true });
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('<title>');
    expect(html).not.toMatch(/https?:\/\/(?!developers\.cloudflare)/);
  });
});

describe('the pages are static assets (public/, built by scripts/build-docs.mjs)', () => {
  it('each page is the built file, read through the ASSETS binding', async () => {
    for (const [path, file] of [['/', 'playground.html'], ['/docs', 'docs.html'], ['/openapi.json', 'openapi.json']] as const) {
      const built = await env.ASSETS.fetch(`http://assets.test/${file}`);
      expect(built.status, file).toBe(200);
      const expected = await built.text();
      const res = await call(bindingEnv(), path, { anonymous: true });
      expect(res.status, path).toBe(200);
      expect(await res.text(), path).toBe(expected);
    }
  });

  it('HEAD answers the headers without a body', async () => {
    const res = await call(bindingEnv(), '/docs', { anonymous: true, method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await res.text()).toBe('');
  });

  it('a deployment without the ASSETS binding says what to configure', async () => {
    const res = await call(bindingEnv(fakeAI(), { ASSETS: undefined }), '/docs', { anonymous: true });
    const error = await expectError(res, 500, { code: 'proxy_misconfigured', type: 'server_error' });
    expect(error.message).toContain('[assets]');
  });
});

