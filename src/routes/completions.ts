import { Hono } from '../lib/hono';
import { jsonBody } from '../middleware/json-body';
import { CompletionRequest } from '../schemas/completions';
import { createCompletion } from '../services/completions';
import { SSE_HEADERS } from '../lib/sse';
import type { AppEnv } from '../types';

export const completions = new Hono<AppEnv>().post('/completions', ...jsonBody(CompletionRequest), async (c) => {
  const body = c.req.valid('json');
  c.set('model', body.model);
  c.get('scope').user = body.user;
  const result = await createCompletion(c.get('services'), body, c.req.raw.signal);
  if (result.stream) return new Response(result.body, { headers: SSE_HEADERS });
  return c.json(result.body);
});
