#!/usr/bin/env node
// The production wrangler.toml under `wrangler dev --local` with the REST transport pointed at a
// fake Cloudflare API on loopback (issue 2's acceptance command): it must start, serve with the
// configured keys, and reach the fake with the configured token. Run by `npm test`.
import { createServer } from 'node:http';
import { startDevServer } from '../support/dev-server.mjs';

const TOKEN = 'cf-token-7Qx2Lm9Zp';

const seen = [];
const api = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
    res.setHeader('content-type', 'application/json');
    const ok = (result) => res.end(JSON.stringify({ result, success: true, errors: [], messages: [] }));
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.statusCode = 401;
      return res.end(JSON.stringify({ result: null, success: false, errors: [{ code: 10000, message: 'Authentication error' }] }));
    }
    if (req.url.startsWith('/client/v4/accounts/x/ai/models/search')) {
      return ok([{ id: 'u1', name: '@cf/meta/llama-3.1-8b-instruct-fast', description: '', task: { id: 't', name: 'Text Generation', description: '' }, properties: [] }]);
    }
    if (req.url === '/client/v4/accounts/x/ai/run/@cf/meta/llama-3.1-8b-instruct-fast') {
      return ok({ response: 'hello from the fake REST API', usage: { prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 } });
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ result: null, success: false, errors: [{ code: 7000, message: 'No route' }] }));
  });
});
await new Promise((r) => api.listen(0, '127.0.0.1', r));
const apiPort = api.address().port;

const failures = [];
let passed = 0;
const check = (ok, message) => {
  if (ok) passed++;
  console.log(`  ${ok ? '✓' : '✗'} ${message}`);
  if (!ok) failures.push(message);
};

const server = await startDevServer(
  ['AI_TRANSPORT:rest', `CLOUDFLARE_API_BASE_URL:http://127.0.0.1:${apiPort}/client/v4`, 'CLOUDFLARE_ACCOUNT_ID:x', `CLOUDFLARE_API_TOKEN:${TOKEN}`, 'PROXY_API_KEY:k1,k2'],
  { config: 'wrangler.toml', local: true },
);
try {
  console.log('wrangler dev --local with the production wrangler.toml and the REST transport');
  const health = await (await fetch(`${server.url}/health`)).json();
  check(health.transport === 'rest', `transport is rest (${health.transport})`);
  const models = await fetch(`${server.url}/v1/models`, { headers: { authorization: 'Bearer k2' } });
  const list = await models.json();
  check(models.status === 200 && list.data?.[0]?.id === '@cf/meta/llama-3.1-8b-instruct-fast', 'the second key lists the fake catalog');
  const chat = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: 'Bearer k1', 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  const completion = await chat.json();
  check(completion.choices?.[0]?.message?.content === 'hello from the fake REST API' && completion.model === 'gpt-4o-mini', 'a chat completion comes from the fake API');
  check(seen.some((r) => r.method === 'POST' && r.authorization === `Bearer ${TOKEN}`), 'the fake saw the configured token');
  const denied = await fetch(`${server.url}/v1/models`, { headers: { authorization: 'Bearer nope' } });
  check(denied.status === 401, 'a wrong key is refused');
  // The pages are static assets read by the Worker (wrangler.toml [assets], run_worker_first): its headers, CORS included.
  const docs = await fetch(`${server.url}/docs`, { headers: { origin: 'https://app.example' } });
  const docsHtml = await docs.text();
  check(
    docs.status === 200 && docs.headers.get('content-security-policy')?.startsWith("default-src 'none'") && docs.headers.get('access-control-allow-origin') === '*' && docsHtml.includes('<title>API reference'),
    'GET /docs: the static page, with its CSP and CORS headers, and no key',
  );
  const spec = await fetch(`${server.url}/openapi.json`);
  check(spec.status === 200 && (await spec.json()).openapi === '3.1.0', 'GET /openapi.json: the prebuilt document');
  const file = await fetch(`${server.url}/docs.html`, { headers: { authorization: 'Bearer k1' } });
  check(file.status === 404 && (await file.json()).error?.code === 'unknown_url', 'the asset file name itself is not served (the Worker answers first)');
  const bodies = JSON.stringify([list, completion, await denied.json()]);
  check(!server.output().includes(TOKEN) && !bodies.includes(TOKEN), 'the token appears in no log line or response');
} finally {
  server.stop();
  api.close();
}
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
