import type * as z from 'zod/mini';
import { createMiddleware } from 'hono/factory';
import { ApiError, invalidValue } from '../errors';
import { describeIssue, narrowIssue, paramPath } from '../schemas/common';
import type { AppEnv } from '../types';
import { validate } from './validate';

const JSON_TYPE = /^application\/([\w.-]+\+)?json\b/i;

/**
 * Browsers' fetch() and curl -d send JSON labelled text/plain or form-urlencoded; treat any
 * non-multipart body as JSON so those clients get parsed, not a confusing "missing model".
 */
const assumeJson = createMiddleware<AppEnv>(async (c, next) => {
  const type = c.req.header('content-type') ?? '';
  if (!JSON_TYPE.test(type)) {
    if (type.toLowerCase().startsWith('multipart/')) {
      throw new ApiError(415, 'This endpoint takes a JSON body (Content-Type: application/json).', 'invalid_request_error', null, 'unsupported_media_type');
    }
    const headers = new Headers(c.req.raw.headers);
    headers.set('content-type', 'application/json');
    // The body may already sit in Hono's body cache (read by the response cache): don't re-read it.
    const raw = c.req.raw;
    c.req.raw = raw.bodyUsed ? new Request(raw.url, { method: raw.method, headers }) : new Request(raw, { headers });
  }
  return next();
});

/**
 * Parses and validates a JSON body; failures become OpenAI 400s naming the offending `param`.
 * `narrowUnions` reports the issue inside a union the value has the shape of (see narrowIssue).
 */
export const jsonBody = <T extends z.ZodMiniType>(schema: T, options: { narrowUnions?: boolean } = {}) =>
  [
    assumeJson,
    validate('json', schema, (error, input) => {
      const first = error.issues[0]!;
      const issue = options.narrowUnions ? narrowIssue(first) : first;
      throw invalidValue(paramPath(issue.path), describeIssue(issue, input));
    }),
  ] as const;
