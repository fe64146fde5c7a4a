import { Hono } from '../lib/hono';
import { ApiError, notSupported } from '../errors';
import { jsonBody } from '../middleware/json-body';
import { CreateResponseRequest } from '../schemas/responses';
import { createResponse, scopeOf } from '../services/responses';
import { NO_STORE } from '../services/responses/request';
import { notKept, type ResponsesStore } from '../services/responses/store';
import { SSE_HEADERS } from '../lib/sse';
import type { AppEnv } from '../types';

const notFound = (id: string, store: ResponsesStore | undefined) =>
  new ApiError(
    404,
    store
      ? notKept(`Response '${id}'`, store)
      : `Response '${id}' not found: nothing is stored. ${NO_STORE}`,
    'invalid_request_error',
    'response_id',
    'response_not_found',
  );

export const responses = new Hono<AppEnv>()
  .post('/responses', ...jsonBody(CreateResponseRequest, { narrowUnions: true }), async (c) => {
    const body = c.req.valid('json');
    c.set('model', body.model);
    Object.assign(c.get('scope'), { user: body.user, metadata: body.metadata ?? undefined });
    const result = await createResponse(c.get('services'), body, { clientId: c.get('clientId'), signal: c.req.raw.signal });
    if (result.stream) return new Response(result.body, { headers: SSE_HEADERS });
    return c.json(result.body);
  })
  .get('/responses/:response_id', async (c) => {
    const id = c.req.param('response_id');
    if (c.req.query('stream') === 'true') {
      throw notSupported('stream', 'Streaming a stored response again');
    }
    const store = c.get('services').responsesStore;
    const record = await store?.get(scopeOf(c.get('clientId')), id);
    if (!record) throw notFound(id, store);
    return c.json(record.response);
  })
  .delete('/responses/:response_id', async (c) => {
    const id = c.req.param('response_id');
    const store = c.get('services').responsesStore;
    const clientId = scopeOf(c.get('clientId'));
    if (!store || !(await store.get(clientId, id))) throw notFound(id, store);
    await store.delete(clientId, id);
    return c.json({ id, object: 'response', deleted: true });
  });
