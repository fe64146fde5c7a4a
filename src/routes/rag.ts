import { Hono } from '../lib/hono';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors';
import { jsonBody } from '../middleware/json-body';
import { RagChatRequest, RagDeleteRequest, RagDocumentsRequest, RagSearchRequest } from '../schemas/rag';
import { requireRag } from '../services/rag';
import { ragChat, sourcesHeader, withSources } from '../services/rag/chat';
import { deleteDocuments, upsertDocuments } from '../services/rag/documents';
import { retrieve } from '../services/rag/search';
import { SSE_HEADERS } from '../lib/sse';
import type { AppEnv } from '../types';

/** Without the stores every RAG route is a 501 naming the missing bindings, before the body is even read. */
const configured = createMiddleware<AppEnv>(async (c, next) => {
  requireRag(c.get('services'));
  await next();
});

export const rag = new Hono<AppEnv>()
  .post('/rag/documents', configured, ...jsonBody(RagDocumentsRequest), async (c) => {
    const { services } = c.var;
    c.set('model', services.config.ragEmbeddingModel);
    return c.json(await upsertDocuments(services, requireRag(services), c.req.valid('json'), c.req.raw.signal));
  })
  .post('/rag/documents/delete', configured, ...jsonBody(RagDeleteRequest), async (c) => {
    const data = await deleteDocuments(requireRag(c.get('services')), c.req.valid('json').ids);
    return c.json({ object: 'list', data });
  })
  // Document ids may contain slashes (`docs/guide.md`): the id is the rest of the path, percent-decoded.
  .delete('/rag/documents/:id{.+}', configured, async (c) => {
    const id = c.req.param('id');
    const [result] = await deleteDocuments(requireRag(c.get('services')), [id]);
    if (!result!.deleted) throw new ApiError(404, `No document with id ${JSON.stringify(id)}.`, 'invalid_request_error', 'id', 'document_not_found');
    return c.json(result);
  })
  .post('/rag/search', configured, ...jsonBody(RagSearchRequest), async (c) => {
    const { services } = c.var;
    const body = c.req.valid('json');
    c.set('model', services.config.ragEmbeddingModel);
    const { passages, usage } = await retrieve(services, requireRag(services), body.query, body, '', c.req.raw.signal);
    return c.json({ object: 'list', data: passages, model: services.config.ragEmbeddingModel, usage });
  })
  .post('/rag/chat', configured, ...jsonBody(RagChatRequest), async (c) => {
    const { services } = c.var;
    const body = c.req.valid('json');
    c.set('model', body.model ?? services.config.ragChatModel);
    const { result, sources } = await ragChat(services, requireRag(services), body, c.req.raw.signal);
    const header = { 'x-rag-sources': sourcesHeader(sources) };
    if (result.stream) return new Response(withSources(result.body, sources), { headers: { ...SSE_HEADERS, ...header } });
    return c.json({ ...result.body, sources }, 200, header);
  });
