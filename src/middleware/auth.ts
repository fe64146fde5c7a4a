import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors';
import type { AppEnv } from '../types';
import { sha256 as digest } from '../lib/hash';
import { meterManagedKey } from './managed-key';

/** Digests of the configured keys, computed once per configuration rather than per request. */
const keyDigests = new WeakMap<readonly string[], Promise<Uint8Array[]>>();

/** Constant-time membership: every configured key is compared, on fixed-length digests. */
async function isAccepted(given: Uint8Array, keys: readonly string[]): Promise<boolean> {
  let expected = keyDigests.get(keys);
  if (!expected) keyDigests.set(keys, (expected = Promise.all(keys.map(digest))));
  let accepted = false;
  for (const key of await expected) {
    if (crypto.subtle.timingSafeEqual(given, key)) accepted = true;
  }
  return accepted;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function presentedKey(authorization: string | undefined, apiKey: string | undefined): string | undefined {
  // Anthropic clients send x-api-key (Claude Code with ANTHROPIC_API_KEY) or a Bearer token (ANTHROPIC_AUTH_TOKEN).
  const match = authorization ? /^Bearer\s+(.+)$/i.exec(authorization.trim()) : null;
  return match ? match[1]!.trim() : apiKey?.trim() || undefined;
}

const unauthorized = (message: string, code: string) => new ApiError(401, message, 'invalid_request_error', null, code);

/**
 * Bearer (or x-api-key) auth against PROXY_API_KEY, then against the managed keys (KEYS, found
 * by the presented key's digest). With no key of either kind configured, only the emulator or an
 * explicit ALLOW_ANONYMOUS=true serves; a real deployment refuses rather than run open.
 */
export const auth = createMiddleware<AppEnv>(async (c, next) => {
  const { config, transport, keys } = c.get('services');
  const open = config.apiKeys.length === 0 && (transport === 'emulator' || config.allowAnonymous);
  if (open && !keys) return next();
  if (config.apiKeys.length === 0 && !keys && !open) {
    throw unauthorized(
      'This proxy has no API key configured, so it refuses to serve. Set PROXY_API_KEY (wrangler secret put PROXY_API_KEY), or set ALLOW_ANONYMOUS=true to serve without authentication.',
      'proxy_key_not_configured',
    );
  }
  const key = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
  if (!key) {
    if (open) return next();
    throw unauthorized(
      "You didn't provide an API key. Send it as an Authorization: Bearer header (or x-api-key).",
      'missing_api_key',
    );
  }
  const given = await digest(key);
  if (await isAccepted(given, config.apiKeys)) {
    // A fingerprint, not the key: safe to use as a rate-limit or cache key.
    c.set('clientId', `key:${hex(given.subarray(0, 8))}`);
    return next();
  }
  const managed = keys && (await keys.store.byHash(hex(given)));
  if (managed) return meterManagedKey(c, keys, managed, next);
  // An open deployment (the emulator, ALLOW_ANONYMOUS) serves unknown keys as before.
  if (open) return next();
  throw unauthorized('Incorrect API key provided.', 'invalid_api_key');
});

export { presentedKey, unauthorized };
