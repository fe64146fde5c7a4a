import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type * as z from 'zod/mini';
import { ApiError, invalidValue } from '../errors';
import { describeIssue, paramPath } from '../schemas/common';
import type { AppEnv } from '../types';

/**
 * The multipart/form-data body of the upload endpoints (audio, image edits), as the OpenAI SDKs
 * send it: 415 for another content type, 400 for a body that does not parse. A limit hit while
 * reading (the body-limit middleware's 413) is passed on as it is.
 */
export async function readForm(c: Context<AppEnv>, what: string): Promise<FormData> {
  if (!/^multipart\/form-data\b/i.test(c.req.header('content-type') ?? '')) {
    throw new ApiError(415, `This endpoint takes a multipart/form-data body (${what}).`, 'invalid_request_error', null, 'unsupported_media_type');
  }
  try {
    return await c.req.formData();
  } catch (err) {
    if (err instanceof ApiError || err instanceof HTTPException) throw err;
    throw new ApiError(400, 'The multipart/form-data body could not be parsed.', 'invalid_request_error', null, 'invalid_multipart');
  }
}

/** The form's text fields validated by `schema`, or the 400 naming the first problem. */
export function formFields<T extends z.ZodMiniType>(schema: T, values: Record<string, unknown>): z.infer<T> {
  const parsed = schema.safeParse(values);
  if (parsed.success) return parsed.data as z.infer<T>;
  const issue = parsed.error.issues[0]!;
  throw invalidValue(paramPath(issue.path), describeIssue(issue, values));
}
