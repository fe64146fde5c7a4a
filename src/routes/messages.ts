import { Hono } from '../lib/hono';
import { jsonBody } from '../middleware/json-body';
import { CountTokensRequest, CreateMessageRequest } from '../schemas/messages';
import { countTokens, createMessage } from '../services/messages';
import { SSE_HEADERS } from '../lib/sse';
import type { AppEnv } from '../types';

/**
 * Anthropic's Messages API (Claude Code, the Anthropic SDKs, @ai-sdk/anthropic). Errors here are
 * Anthropic-shaped (middleware/anthropic-errors.ts); `?beta=true`, which Claude Code adds, needs nothing.
 */
export const messages = new Hono<AppEnv>()
  .post('/messages', ...jsonBody(CreateMessageRequest, { narrowUnions: true }), async (c) => {
    const body = c.req.valid('json');
    c.set('model', body.model);
    c.get('scope').user = body.metadata?.user_id ?? undefined;
    const result = await createMessage(c.get('services'), body, { signal: c.req.raw.signal, requestId: c.get('requestId') });
    if (result.stream) return new Response(result.body, { headers: SSE_HEADERS });
    return c.json(result.body);
  })
  .post('/messages/count_tokens', ...jsonBody(CountTokensRequest, { narrowUnions: true }), async (c) => {
    const body = c.req.valid('json');
    c.set('model', body.model);
    return c.json(await countTokens(c.get('services'), body));
  });
