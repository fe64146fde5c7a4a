import { Hono } from '../lib/hono';
import { jsonBody } from '../middleware/json-body';
import { ModerationRequest } from '../schemas/moderations';
import { createModeration, DEFAULT_MODERATION_MODEL } from '../services/moderations';
import type { AppEnv } from '../types';

export const moderations = new Hono<AppEnv>().post('/moderations', ...jsonBody(ModerationRequest), async (c) => {
  const body = c.req.valid('json');
  c.set('model', body.model ?? DEFAULT_MODERATION_MODEL);
  return c.json(await createModeration(c.get('services'), body, c.req.raw.signal));
});
