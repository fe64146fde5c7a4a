import { Hono } from '../lib/hono';
import type { AppEnv } from '../types';

/** Public liveness probe: no auth, no upstream call. */
export const health = new Hono<AppEnv>().get('/health', (c) =>
  c.json({ status: 'ok', transport: c.get('services').transport }),
);
