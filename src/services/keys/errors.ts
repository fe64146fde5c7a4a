import { ApiError } from '../../errors';
import type { Admission, KeyRecord } from './types';

const iso = (ms: number) => new Date(ms).toISOString();

export const keyUnauthorized = (key: KeyRecord, what: string, code: string) => new ApiError(401, `This API key (${key.name}) ${what}.`, 'invalid_request_error', null, code);

/** A disabled or expired managed key: 401, as for a wrong key, but saying which. */
export function keyRefusedAt(key: KeyRecord, now: number): ApiError | undefined {
  if (key.disabled) return keyUnauthorized(key, 'is disabled', 'key_disabled');
  if (key.expires_at !== null && key.expires_at * 1000 <= now) return keyUnauthorized(key, `expired at ${iso(key.expires_at * 1000)}`, 'key_expired');
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
  const start = `This API key (${key.name})`;
  if (refusal.reason === 'budget') {
    const reset = iso(refusal.resetAt);
    return new ApiError(
      429,
      `${start} has spent its ${refusal.window} budget of $${refusal.limit} ($${Number(refusal.spent.toPrecision(6))} used); it resets at ${reset}.`,
      'insufficient_quota',
      null,
      'insufficient_quota',
      { 'x-should-retry': 'false', 'x-budget-reset': reset, 'retry-after': String(Math.ceil((refusal.resetAt - now) / 1000)) },
    );
  }
  const rpm = refusal.reason === 'rpm';
  return new ApiError(
    429,
    rpm ? `${start} is over its limit of ${key.rpm} requests per minute.` : `${start} has its remaining budget reserved by its requests in flight.`,
    'rate_limit_error',
    null,
    rpm ? 'rate_limit_exceeded' : 'budget_reserved',
    { 'x-should-retry': 'true', 'retry-after': String(refusal.retryAfter) },
  );
}

export const ledgerUnavailable = () =>
  new ApiError(503, 'The key ledger is unavailable; retry shortly.', 'server_error', null, 'key_ledger_unavailable', { 'x-should-retry': 'true', 'retry-after': '1' });

export const keyNotFound = (id: string) => new ApiError(404, `No managed key with id \`${id}\`.`, 'invalid_request_error', 'id', 'key_not_found');
