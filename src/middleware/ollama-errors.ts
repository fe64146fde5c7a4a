import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../types';

/**
 * Ollama clients read `{"error": "<message>"}` (a string) where OpenAI clients read
 * `{"error": {message, type, param, code}}`. Mounted on /api/* before auth, this reshapes every
 * error answered there (auth, body limit, rate limit, validation, upstream, unknown URL) after
 * the global handler built it, keeping the status and headers. Successes pass untouched.
 */
export const ollamaErrors = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const res = c.res;
  if (res.status < 400 || !res.headers.get('content-type')?.includes('application/json')) return;
  const body = (await res.clone().json().catch(() => undefined)) as { error?: { message?: unknown } } | undefined;
  const message = body?.error?.message;
  if (typeof message !== 'string') return;
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  c.res = undefined; // a fresh response, rather than Hono merging the old one's headers into it
  c.res = new Response(JSON.stringify({ error: message }), { status: res.status, headers });
});
