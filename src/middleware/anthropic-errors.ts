import { createMiddleware } from 'hono/factory';
import { anthropicError, anthropicErrorType, anthropicStatus } from '../services/messages/errors';
import type { AppEnv } from '../types';

/** Requests Anthropic clients make: the Messages API, or anything sent with `anthropic-version` (GET /v1/models). */
const MESSAGES_PATH = /^(?:\/v1)?\/messages(?:\/|$)/;
export const isAnthropicRequest = (path: string, headers: { header(name: string): string | undefined }) =>
  MESSAGES_PATH.test(path) || headers.header('anthropic-version') !== undefined;

/**
 * Anthropic clients read `{type: "error", error: {type, message}}` and branch on its type and
 * status (the SDK's error classes, Claude Code's retries). Mounted before auth, this reshapes
 * every error answered to them (auth, body limit, rate limit, validation, upstream, unknown URL)
 * after the global handler built it, keeping the headers, and adds the `request-id` header the
 * Anthropic SDK reports. Successes pass untouched.
 */
export const anthropicErrors = createMiddleware<AppEnv>(async (c, next) => {
  if (!isAnthropicRequest(c.req.path, c.req)) return next();
  await next();
  const res = c.res;
  const requestId = c.get('requestId');
  if (requestId && !res.headers.has('request-id')) res.headers.set('request-id', requestId);
  if (res.status < 400 || !res.headers.get('content-type')?.includes('application/json')) return;
  const body = (await res.clone().json().catch(() => undefined)) as { error?: { message?: unknown; type?: unknown; code?: unknown } } | undefined;
  const error = body?.error;
  if (typeof error?.message !== 'string') return;
  const type = anthropicErrorType(res.status, error);
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  c.res = undefined; // a fresh response, rather than Hono merging the old one's headers into it
  c.res = new Response(JSON.stringify(anthropicError(type, error.message, requestId)), { status: anthropicStatus(type, res.status), headers });
});
