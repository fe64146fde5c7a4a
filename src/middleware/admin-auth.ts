import { createMiddleware } from 'hono/factory';
import { ApiError, proxyMisconfigured } from '../errors';
import { sameSecret } from '../lib/hash';
import type { AppEnv } from '../types';
import { presentedKey, unauthorized } from './auth';

/**
 * The admin API's own key (ADMIN_API_KEY), never a client key: compared in constant time. No
 * admin key configured = the admin API is off (404 saying how to turn it on), never open.
 */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const { config, keys } = c.get('services');
  if (!config.adminApiKey) {
    throw new ApiError(404, 'The admin API is off: set the ADMIN_API_KEY secret (wrangler secret put ADMIN_API_KEY) to turn it on.', 'invalid_request_error', null, 'admin_api_disabled');
  }
  const given = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
  if (!given) throw unauthorized('Send the admin key as an Authorization: Bearer header.', 'missing_api_key');
  if (!(await sameSecret(given, config.adminApiKey))) throw unauthorized('Incorrect admin key provided.', 'invalid_admin_key');
  if (!keys) throw proxyMisconfigured('managed keys need both the KEYS and KEY_LEDGER bindings (docs/operators.md).', 'managed_keys_not_configured', 503);
  return next();
});
