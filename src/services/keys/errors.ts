import { ApiError } from '../../errors';
import type { Admission, KeyRecord } from './types';

const iso = (ms: number) => new Date(ms).toISOString();
const dollars = (usd: number) => `$${Number(usd.toPrecision(6))}`;

export const keyUnauthorized = (message: string, code: string) => new ApiError(401, message, 'invalid_request_error', null, code);

/** A disabled or expired managed key: 401, as for a wrong key, but saying which. */
export function keyRefusedAt(key: KeyRecord, now: number): ApiError | undefined {
  if (key.disabled) return keyUnauthorized(`This API key (${key.name}) is disabled.`, 'key_disabled');
  if (key.expires_at !== null && key.expires_at * 1000 <= now) return keyUnauthorized(`This API key (${key.name}) expired at ${iso(key.expires_at * 1000)}.`, 'key_expired');
  return undefined;
}

export const modelNotAllowed = (key: KeyRecord, model: string) =>
  new ApiError(403, `This API key (${key.name}) may not use \`${model}\`; it may use: ${key.models.join(', ')}.`, 'invalid_request_error', 'model', 'model_not_allowed');

/**
 * Why the ledger refused. A spent budget is final until its window resets (`x-should-retry:
 * false`, as for Workers AI's own daily quota, 4006); a budget held by requests in flight and the
 * per-minute limit are worth retrying after `retry-after`.
 */
export function admissionRefused(key: KeyRecord, refusal: Exclude<Admission, { ok: true }>, now: number): ApiError {
  if (refusal.reason === 'budget') {
    const { window, limit, spent, resetAt } = refusal;
    return new ApiError(
      429,
      `This API key (${key.name}) has spent its ${window} budget of ${dollars(limit)} (${dollars(spent)} used); it resets at ${iso(resetAt)}.`,
      'insufficient_quota',
      null,
      'insufficient_quota',
      { 'x-should-retry': 'false', 'x-budget-reset': iso(resetAt), 'retry-after': String(Math.ceil((resetAt - now) / 1000)) },
    );
  }
  const headers = { 'x-should-retry': 'true', 'retry-after': String(refusal.retryAfter) };
  return refusal.reason === 'rpm'
    ? new ApiError(429, `This API key (${key.name}) is over its limit of ${key.rpm} requests per minute. Retry after ${refusal.retryAfter} seconds.`, 'rate_limit_error', null, 'rate_limit_exceeded', headers)
    : new ApiError(429, `This API key's (${key.name}) remaining budget is reserved by its requests in flight; retry when they finish.`, 'rate_limit_error', null, 'budget_reserved', headers);
}

export const ledgerUnavailable = () =>
  new ApiError(503, 'The key ledger is unavailable, so this managed key cannot be metered; retry shortly.', 'server_error', null, 'key_ledger_unavailable', { 'x-should-retry': 'true', 'retry-after': '1' });

export const keyNotFound = (id: string) => new ApiError(404, `No managed key with id \`${id}\`.`, 'invalid_request_error', 'id', 'key_not_found');
