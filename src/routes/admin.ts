import { Hono } from '../lib/hono';
import { invalidValue } from '../errors';
import { adminAuth } from '../middleware/admin-auth';
import { jsonBody } from '../middleware/json-body';
import { CreateKeyRequest, UpdateKeyRequest, UsageQuery } from '../schemas/admin';
import { describeIssue, paramPath } from '../schemas/common';
import { createKey, deleteKey, getKey, keyView, updateKey, usageReport } from '../services/keys/admin';
import type { ManagedKeys } from '../services/keys';
import { validate } from '../middleware/validate';
import type { AppEnv } from '../types';

// adminAuth has checked that managed keys are configured.
const keysOf = (c: { get(key: 'services'): AppEnv['Variables']['services'] }) => c.get('services').keys as ManagedKeys;

/** The admin API (docs/operators.md), mounted at /admin: managed keys and their spend. */
export const admin = new Hono<AppEnv>()
  .use('/keys', adminAuth)
  .use('/keys/*', adminAuth)
  .use('/usage', adminAuth)
  .post('/keys', ...jsonBody(CreateKeyRequest), async (c) => c.json(await createKey(keysOf(c), c.req.valid('json')), 201))
  .get('/keys', async (c) => c.json({ object: 'list', data: (await keysOf(c).store.list()).map(keyView) }))
  .get('/keys/:id', async (c) => c.json(keyView(await getKey(keysOf(c), c.req.param('id')))))
  .patch('/keys/:id', ...jsonBody(UpdateKeyRequest), async (c) => c.json(await updateKey(keysOf(c), c.req.param('id'), c.req.valid('json'))))
  .delete('/keys/:id', async (c) => c.json(await deleteKey(keysOf(c), c.req.param('id'))))
  .get(
    '/usage',
    validate('query', UsageQuery, (error, input) => {
      const issue = error.issues[0]!;
      throw invalidValue(paramPath(issue.path), describeIssue(issue, input));
    }),
    async (c) => c.json(await usageReport(keysOf(c), c.req.valid('query'))),
  );
