import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors';
import type { AppEnv } from '../types';

/**
 * Per-client limits through Cloudflare's Rate Limiting binding (RATE_LIMITER). The key is the
 * client's API-key fingerprint set by auth (never the key itself), or the client IP when the
 * proxy runs without keys. No binding, no limit. A limiter failure lets the request through:
 * an outage of the limiter should not become an outage of the API.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
  const limiter = c.env.RATE_LIMITER;
  if (!limiter) return next();
  const key = c.get('clientId') ?? `ip:${c.req.header('cf-connecting-ip') ?? 'anonymous'}`;
  let allowed = true;
  try {
    allowed = (await limiter.limit({ key })).success;
  } catch (err) {
    console.warn(JSON.stringify({ level: 'warn', msg: 'rate limiter unavailable', error: String(err) }));
  }
  if (!allowed) {
    const retryAfter = c.get('services').config.rateLimitPeriodSeconds;
    c.header('retry-after', String(retryAfter));
    throw new ApiError(
      429,
      `Rate limit reached for this API key. Retry after ${retryAfter} seconds.`,
      'rate_limit_error',
      null,
      'rate_limit_exceeded',
    );
  }
  return next();
});
