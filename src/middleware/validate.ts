/**
 * Validates a request part (the JSON body or the query) with a Zod schema before the handler,
 * which reads the result with `c.req.valid(target)`: @hono/zod-validator (the design card's
 * validator; its hono/validator reads the part: a body whose media type is not JSON validates as
 * `{}`, a malformed one is a 400 HTTPException, see middleware/errors.ts), with `fail` turning
 * the first failure into the client's error.
 */
import { zValidator } from '@hono/zod-validator';
import type { MiddlewareHandler } from 'hono';
import type * as z from 'zod/mini';
import type { AppEnv } from '../types';

type Target = 'json' | 'query';

/**
 * zod's synchronous parse: no schema here has an async check, and zValidator's default,
 * safeParseAsync, adds a promise per schema node (about a quarter of a chat body's validation
 * CPU in the workerd profile). zValidator types its result as classic zod's; zod/mini's has the
 * same shape.
 */
const syncParse = (schema: z.ZodMiniType, value: unknown) => schema.safeParse(value) as never;

/** `fail` turns the first failure into the client's error (it throws); the valid value goes to the handler. */
export const validate = <T extends z.ZodMiniType, K extends Target>(
  target: K,
  schema: T,
  fail: (error: z.core.$ZodError, input: unknown) => never,
): MiddlewareHandler<AppEnv, string, { in: { [P in K]: z.input<T> }; out: { [P in K]: z.output<T> } }> =>
  zValidator(
    target,
    schema,
    (result) => {
      if (!result.success) fail(result.error as z.core.$ZodError, result.data);
    },
    { validationFunction: syncParse },
  ) as never;
