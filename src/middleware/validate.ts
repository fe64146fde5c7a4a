/**
 * Validates a request part (the JSON body or the query) with a Zod schema before the handler,
 * which reads the result with `c.req.valid(target)`: what @hono/zod-validator does for these two
 * targets, in a few lines. Its hono/validator also brings the form and cookie targets (the
 * cookie parser among them) into the bundle, and the app uses neither: multipart forms are read
 * by the routes that take them. The JSON rules are hono/validator's: a body whose media type is
 * not JSON validates as `{}`, a malformed one is a 400 HTTPException (middleware/errors.ts).
 */
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type * as z from 'zod/mini';
import type { AppEnv } from '../types';

type Target = 'json' | 'query';

const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;

async function inputOf(c: Parameters<MiddlewareHandler<AppEnv>>[0], target: Target): Promise<unknown> {
  if (target === 'query') return Object.fromEntries(Object.entries(c.req.queries()).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
  if (!JSON_MEDIA.test((c.req.header('content-type') ?? '').split(';')[0]!.trim())) return {};
  try {
    return await c.req.json();
  } catch {
    throw new HTTPException(400, { message: 'Malformed JSON in request body' });
  }
}

/** `fail` turns the first failure into the client's error (it throws); the valid value goes to the handler. */
export const validate = <T extends z.ZodMiniType, K extends Target>(
  target: K,
  schema: T,
  fail: (error: z.core.$ZodError, input: unknown) => never,
): MiddlewareHandler<AppEnv, string, { in: { [P in K]: z.input<T> }; out: { [P in K]: z.output<T> } }> =>
  async (c, next) => {
    const input = await inputOf(c, target);
    const result = schema.safeParse(input);
    if (!result.success) fail(result.error, input);
    c.req.addValidatedData(target, result.data as object);
    await next();
  };
