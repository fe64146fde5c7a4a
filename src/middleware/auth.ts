import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors';
import type { AppEnv } from '../types';
import { matchIndex } from '../lib/constant-time';
import { sha256, toHex } from '../lib/hash';

const encoder = new TextEncoder();

/** The configured keys as bytes, with each one's fingerprint (computed once per configuration). */
interface KnownKeys {
  bytes: Uint8Array[];
  /** `key:<first 8 bytes of SHA-256, hex>`: safe to use as a rate-limit or cache key. */
  ids: Promise<string>[];
}
const known = new WeakMap<readonly string[], KnownKeys>();

function knownKeys(keys: readonly string[]): KnownKeys {
  let k = known.get(keys);
  if (!k) {
    k = { bytes: keys.map((key) => encoder.encode(key)), ids: keys.map(async (key) => `key:${toHex((await sha256(key)).subarray(0, 8))}`) };
    known.set(keys, k);
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
 * Bearer (or x-api-key) auth against PROXY_API_KEY. With no key configured, only the emulator
 * or an explicit ALLOW_ANONYMOUS=true serves; a real deployment refuses rather than run open.
 */
export const auth = createMiddleware<AppEnv>(async (c, next) => {
  const { config, transport } = c.get('services');
  if (config.apiKeys.length === 0) {
    if (transport === 'emulator' || config.allowAnonymous) return next();
    throw unauthorized(
      'This proxy has no API key configured, so it refuses to serve. Set PROXY_API_KEY (wrangler secret put PROXY_API_KEY), or set ALLOW_ANONYMOUS=true to serve without authentication.',
      'proxy_key_not_configured',
    );
  }
  const key = presentedKey(c.req.header('authorization'), c.req.header('x-api-key'));
  if (!key) {
    throw unauthorized(
      "You didn't provide an API key. Send it as an Authorization: Bearer header (or x-api-key).",
      'missing_api_key',
    );
  }
  // A constant-time comparison on the bytes (lib/constant-time.ts): no digest per request.
  const keys = knownKeys(config.apiKeys);
  const index = matchIndex(encoder.encode(key), keys.bytes);
  if (index < 0) throw unauthorized('Incorrect API key provided.', 'invalid_api_key');
  // A fingerprint, not the key: safe to use as a rate-limit or cache key.
  c.set('clientId', await keys.ids[index]!);
  return next();
});
