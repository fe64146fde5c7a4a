import { ApiError } from '../../errors';
import { successorOf } from '../models/lifecycle';
import { CAPACITY_RETRY_AFTER_SECONDS, ruleForCode, ruleForStatus } from './error-table';
import { UpstreamError } from './types';

/** The wrapper prefixes the binding puts before the code ("AiError: InferenceUpstreamError: 3040: ..."). */
const PREFIXES = /^(?:(?:AiError|InferenceUpstreamError|Error):\s*)+/;

/** A Retry-After the transport read from the upstream (seconds), when there was one. */
function retryAfterOf(err: UpstreamError): string | undefined {
  const value = (err as { retryAfter?: unknown }).retryAfter;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return String(Math.ceil(value));
  if (typeof value === 'string' && value.trim()) return value.trim();
  return undefined;
}

/**
 * Maps a Workers AI failure onto the OpenAI error a client expects, by the one table in
 * error-table.ts: the known code first, else the HTTP status the transport saw.
 * `replacement` names a retired model's successor (5028); by default the lifecycle table's.
 */
export function toApiError(err: UpstreamError, model = 'unknown', replacement = successorOf(model)): ApiError {
  const detail = err.message.replace(PREFIXES, '');
  const rule = ruleForCode(err.code, detail) ?? ruleForStatus(err.status);
  const headers: Record<string, string> = { 'x-should-retry': String(rule.retryable) };
  // A retryable 429 / 503 always says when: the upstream's Retry-After, else the capacity default.
  const retryAfter = rule.retryable
    ? (retryAfterOf(err) ?? (rule.code === 'upstream_overloaded' || rule.status === 429 || rule.status === 503 ? String(CAPACITY_RETRY_AFTER_SECONDS) : undefined))
    : undefined;
  if (retryAfter) headers['retry-after'] = retryAfter;
  return new ApiError(rule.status, rule.message({ detail, model, replacement }), rule.type, rule.param ?? null, rule.code, headers);
}

/** Runs an upstream call, turning its failures into OpenAI errors. */
export async function upstreamCall<T>(model: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof UpstreamError) throw toApiError(err, model);
    throw err;
  }
}
