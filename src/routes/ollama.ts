import { Hono } from '../lib/hono';
import { invalidValue } from '../errors';
import { jsonBody } from '../middleware/json-body';
import { OllamaChatRequest, OllamaEmbedRequest, OllamaEmbeddingsRequest, OllamaGenerateRequest, OllamaShowRequest } from '../schemas/ollama';
import { ollamaEmbed, ollamaEmbeddings } from '../services/ollama/embed';
import { ollamaChat, ollamaGenerate, type OllamaResult } from '../services/ollama/chat';
import { OLLAMA_VERSION, listTags, showModel } from '../services/ollama/models';
import { NDJSON_HEADERS } from '../services/ollama/stream';
import type { AppEnv } from '../types';

const respond = (result: OllamaResult) =>
  result.stream ? new Response(result.body, { headers: NDJSON_HEADERS }) : Response.json(result.body);

/**
 * The Ollama API at the root (/api/...), so Ollama clients and Open WebUI can use the Worker as
 * their Ollama host. Errors under /api/ are Ollama-shaped (middleware/ollama-errors.ts).
 */
export const ollama = new Hono<AppEnv>()
  .get('/api/version', (c) => c.json({ version: OLLAMA_VERSION }))
  .get('/api/tags', async (c) => c.json(await listTags(c.get('services'))))
  // Nothing is ever loaded in memory here.
  .get('/api/ps', (c) => c.json({ models: [] }))
  .post('/api/show', ...jsonBody(OllamaShowRequest), async (c) => {
    const body = c.req.valid('json');
    const model = body.model || body.name;
    if (!model) throw invalidValue('model', "Missing required parameter: 'model'.");
    c.set('model', model);
    return c.json(await showModel(c.get('services'), model));
  })
  .post('/api/chat', ...jsonBody(OllamaChatRequest), async (c) => {
    const started = Date.now();
    const body = c.req.valid('json');
    c.set('model', body.model);
    return respond(await ollamaChat(c.get('services'), body, started, c.req.raw.signal));
  })
  .post('/api/generate', ...jsonBody(OllamaGenerateRequest), async (c) => {
    const started = Date.now();
    const body = c.req.valid('json');
    c.set('model', body.model);
    return respond(await ollamaGenerate(c.get('services'), body, started, c.req.raw.signal));
  })
  .post('/api/embed', ...jsonBody(OllamaEmbedRequest), async (c) => {
    const started = Date.now();
    const body = c.req.valid('json');
    c.set('model', body.model);
    return c.json(await ollamaEmbed(c.get('services'), body, started, c.req.raw.signal));
  })
  .post('/api/embeddings', ...jsonBody(OllamaEmbeddingsRequest), async (c) => {
    const body = c.req.valid('json');
    c.set('model', body.model);
    return c.json(await ollamaEmbeddings(c.get('services'), body, c.req.raw.signal));
  });
