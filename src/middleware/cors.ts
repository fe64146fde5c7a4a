import { cors as honoCors } from 'hono/cors';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../types';

type Cors = ReturnType<typeof honoCors>;
const byOrigins = new WeakMap<object, Cors>();

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
    exposeHeaders: ['x-request-id', 'retry-after', 'x-should-retry', 'x-rag-sources', 'x-request-cost', 'x-request-neurons', 'x-model-used'],
    maxAge: 86400,
  });

/** CORS from ALLOWED_ORIGINS; runs before auth so 401s (and every other error) carry the headers. */
export const cors = createMiddleware<AppEnv>((c, next) => {
  const config = c.var.services.config;
  let mw = byOrigins.get(config);
  if (!mw) byOrigins.set(config, (mw = build(config.allowedOrigins)));
  return mw(c, next);
});
