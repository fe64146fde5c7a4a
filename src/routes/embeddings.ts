import { Hono } from '../lib/hono';
import { jsonBody } from '../middleware/json-body';
import { EmbeddingRequest } from '../schemas/embeddings';
import { createEmbeddings } from '../services/embeddings';
import type { AppEnv } from '../types';

export const embeddings = new Hono<AppEnv>().post('/embeddings', ...jsonBody(EmbeddingRequest), async (c) => {
  const body = c.req.valid('json');
  c.set('model', body.model);
  return c.json(await createEmbeddings(c.get('services'), body, c.req.raw.signal));
});
