import { cors as honoCors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../types';

type Cors = ReturnType<typeof honoCors>;
const byOrigins = new WeakMap<object, Cors>();

/** Response headers a browser client may read (retry headers for the SDKs' retry logic). */
const EXPOSE_HEADERS = ['x-request-id', 'retry-after', 'x-should-retry', 'x-rag-sources', 'x-request-cost', 'x-request-neurons', 'x-model-used', 'x-budget-reset', 'deprecation', 'sunset'];
const EXPOSE = EXPOSE_HEADERS.join(',');

const build = (origins: '*' | readonly string[]) =>
  honoCors({
    origin: origins === '*' ? '*' : (origin) => (origins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    // Listed so preflights pass without relying on reflection; the OpenAI SDK also sends x-stainless-* headers.
    allowHeaders: [
      'Authorization',
      'Content-Type',
      'X-Api-Key',
      'OpenAI-Organization',
      'OpenAI-Project',
      'OpenAI-Beta',
      'X-Stainless-Arch',
      'X-Stainless-Lang',
      'X-Stainless-OS',
      'X-Stainless-Package-Version',
      'X-Stainless-Retry-Count',
      'X-Stainless-Runtime',
      'X-Stainless-Runtime-Version',
      'X-Stainless-Timeout',
      'X-Stainless-Helper-Method',
      'X-Stainless-Async',
    ],
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: 86400,
  });

/** The Origin header is read only for a list of origins: `*` allows every one. */
const pick = (origins: readonly string[], origin: string) => (origins.includes(origin) ? origin : null);

/**
 * CORS from ALLOWED_ORIGINS; runs before auth so 401s (and every other error) carry the headers.
 * Preflights go to Hono's cors. Other requests get the same headers it would set, but on the
 * final response after the route: Hono's sets them on a placeholder response before it, which
 * makes Hono build every response twice (about a tenth of a non-stream chat's CPU).
 */
export const cors = createMiddleware<AppEnv>(async (c, next) => {
  const config = c.get('services').config;
  if (c.req.method === 'OPTIONS') {
    let mw = byOrigins.get(config);
    if (!mw) byOrigins.set(config, (mw = build(config.allowedOrigins)));
    return mw(c, next);
  }
  const origins = config.allowedOrigins;
  const allow = origins === '*' ? '*' : pick(origins, c.req.header('origin') ?? '');
  await next();
  const headers = c.res.headers;
  if (allow) headers.set('access-control-allow-origin', allow);
  headers.set('access-control-expose-headers', EXPOSE);
  if (origins !== '*') headers.append('vary', 'Origin');
});
