import { Hono } from 'hono';
import { ApiError } from '../errors';
import { jsonBody } from '../middleware/json-body';
import { CreateResponseRequest } from '../schemas/responses';
import { createResponse } from '../services/responses';
import { SSE_HEADERS } from '../services/sse';
import type { AppEnv } from '../types';

/** Nothing is stored, so a stored response can never be found; said plainly rather than as an unknown URL. */
const notStored = (id: string) =>
  new ApiError(
    404,
    `Response '${id}' not found: this proxy does not store responses (\`store\` is accepted, nothing is kept), so they cannot be retrieved, deleted or continued with previous_response_id.`,
    'invalid_request_error',
    'response_id',
    'response_not_found',
  );

export const responses = new Hono<AppEnv>()
  .post('/responses', ...jsonBody(CreateResponseRequest, { narrowUnions: true }), async (c) => {
    const body = c.req.valid('json');
    c.set('model', body.model);
    const result = await createResponse(c.var.services, body, c.req.raw.signal);
    if (result.stream) return new Response(result.body, { headers: SSE_HEADERS });
    return c.json(result.body);
  })
  .on(['GET', 'DELETE'], '/responses/:response_id', (c) => {
    throw notStored(c.req.param('response_id'));
  });
