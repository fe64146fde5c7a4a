import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors';
import type { AppEnv } from '../types';
import { matchIndex } from '../lib/constant-time';
import { sha256, toHex } from '../lib/hash';
import { meterManagedKey } from './managed-key';

const encoder = new TextEncoder();

/** The configured keys as bytes, with each one's fingerprint (computed once per configuration). */
interface KnownKeys {
  bytes: Uint8Array[];
  /** `key:<first 8 bytes of SHA-256, hex>`: safe to use as a rate-limit or cache key. */
  ids: Promise<string>[];
}
const knownByConfig = new WeakMap<readonly string[], KnownKeys>();

function knownKeys(keys: readonly string[]): KnownKeys {
  let k = knownByConfig.get(keys);
  if (!k) {
    k = { bytes: keys.map((key) => encoder.encode(key)), ids: keys.map(async (key) => `key:${toHex((await sha256(key)).subarray(0, 8))}`) };
    knownByConfig.set(keys, k);
  }
  return k;
}

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
  // PROXY_API_KEY: a constant-time comparison on the bytes (lib/constant-time.ts), no digest per request.
  const known = knownKeys(config.apiKeys);
  const index = matchIndex(encoder.encode(key), known.bytes);
  if (index >= 0) {
    // A fingerprint, not the key: safe to use as a rate-limit or cache key.
    c.set('clientId', await known.ids[index]!);
    return next();
  }
  // Managed keys are found by the presented key's digest (the store holds digests, never secrets).
  const managed = keys && (await keys.store.byHash(toHex(await sha256(key))));
  if (managed) return meterManagedKey(c, keys, managed, next);
  // An open deployment (the emulator, ALLOW_ANONYMOUS) serves unknown keys as before.
  if (open) return next();
  throw unauthorized('Incorrect API key provided.', 'invalid_api_key');
});

export { presentedKey, unauthorized };
