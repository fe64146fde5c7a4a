import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../types';
import { sha256Hex } from '../lib/hash';

const CACHEABLE_PATH = /^(?:\/v1)?\/(chat\/completions|completions|embeddings)$/;

/** Only requests whose answer does not change between runs are worth caching. */
function isDeterministic(endpoint: string, body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  if (endpoint === 'embeddings') return true;
  return b.stream !== true && (b.temperature === 0 || typeof b.seed === 'number');
}

/**
 * Opt-in response cache (RESPONSE_CACHE_TTL_SECONDS) for deterministic requests: embeddings, and
 * non-streaming completions with temperature 0 or a seed. Stored in the RESPONSE_CACHE KV
 * namespace when bound, else the Cache API. Entries are scoped to the client's key fingerprint,
 * so one client never reads another's outputs.
 */
export const responseCache = createMiddleware<AppEnv>(async (c, next) => {
  const ttl = c.get('services').config.responseCacheTtlSeconds;
  const endpoint = CACHEABLE_PATH.exec(c.req.path)?.[1];
  if (!ttl || !endpoint || c.req.method !== 'POST') return next();

  const text = await c.req.text(); // kept in Hono's body cache for the route's validator
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return next(); // the route answers the malformed JSON
  }
  if (!isDeterministic(endpoint, body)) return next();

  const key = await sha256Hex(`${c.get('clientId') ?? ''}\n${endpoint}\n${text}`);
  const kv = c.env.RESPONSE_CACHE;
  const cacheUrl = `https://response-cache.invalid/${key}`;
  const hit = kv ? await kv.get(key, 'text') : await (await caches.open('responses')).match(cacheUrl).then((r) => r?.text());
  if (hit != null) {
    c.header('x-cache', 'HIT');
    return c.body(hit, 200, { 'content-type': 'application/json' });
  }

  await next();
  if (c.res.status !== 200 || !c.res.headers.get('content-type')?.includes('application/json')) return;
  c.res.headers.set('x-cache', 'MISS');
  const stored = c.res.clone().text();
  const put = kv
    ? stored.then((value) => kv.put(key, value, { expirationTtl: Math.max(60, ttl) }))
    : Promise.all([caches.open('responses'), stored]).then(([cache, value]) =>
        cache.put(cacheUrl, new Response(value, { headers: { 'content-type': 'application/json', 'cache-control': `max-age=${ttl}` } })),
      );
  c.executionCtx.waitUntil(put.catch((err) => console.warn(JSON.stringify({ level: 'warn', msg: 'response cache write failed', error: String(err) }))));
});
