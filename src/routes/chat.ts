import { Hono } from '../lib/hono';
import { jsonBody } from '../middleware/json-body';
import { ChatCompletionRequest } from '../schemas/chat';
import { createChatCompletion } from '../services/chat';
import { SSE_HEADERS } from '../lib/sse';
import type { AppEnv } from '../types';

export const chat = new Hono<AppEnv>().post('/chat/completions', ...jsonBody(ChatCompletionRequest), async (c) => {
  const body = c.req.valid('json');
  c.set('model', body.model);
  // Sent to AI Gateway as metadata, with the key's name.
  Object.assign(c.get('scope'), { user: body.user, metadata: body.metadata ?? undefined });
  const result = await createChatCompletion(c.get('services'), body, c.req.raw.signal);
  if (result.stream) return new Response(result.body, { headers: SSE_HEADERS });
  return c.json(result.body);
});
