import { ApiError } from '../../errors';
import { UpstreamError } from '.';

const UPSTREAM_AUTH_CODES = new Set([10000, 10001, 9106, 9109, 7003, 7000]);
const INVALID_INPUT_CODES = new Set([5006, 3010, 3003, 8001, 5016, 5018]);

/** When the upstream said nothing: capacity clears in seconds, rate limits within a minute. */
const DEFAULT_RETRY_AFTER: Partial<Record<number, number>> = { 503: 5, 429: 60 };

/** Maps a Workers AI failure onto the OpenAI error a client expects; a 429 or 503 carries Retry-After (the upstream's when it sent one). */
export function toApiError(err: UpstreamError, model?: string): ApiError {
  const e = mapUpstreamError(err, model);
  const retryAfter = err.retryAfter ?? DEFAULT_RETRY_AFTER[e.status];
  if (retryAfter === undefined || (e.status !== 429 && e.status !== 503)) return e;
  return new ApiError(e.status, e.message, e.type, e.param, e.code, retryAfter);
}

function mapUpstreamError(err: UpstreamError, model?: string): ApiError {
  const { code, status } = err;
  const detail = err.message.replace(/^(?:AiError|InferenceUpstreamError|Error):\s*/, '');
  if (code === 3040) {
    return new ApiError(503, `Workers AI is out of capacity for this model right now; retry shortly. (${detail})`, 'server_error', null, 'upstream_overloaded');
  }
  if (code === 3036 || code === 3035) {
    return new ApiError(429, `The Workers AI account behind this proxy has used its allocation. (${detail})`, 'insufficient_quota', null, 'insufficient_quota');
  }
  if (code === 5007) {
    return new ApiError(404, `The model \`${model ?? 'unknown'}\` does not exist on Workers AI.`, 'invalid_request_error', 'model', 'model_not_found');
  }
  if (code === 3006) return new ApiError(413, `Request too large for the model. (${detail})`, 'invalid_request_error', null, 'request_too_large');
  if (code === 3007) return new ApiError(504, `Workers AI timed out. (${detail})`, 'server_error', null, 'upstream_timeout');
  if ((code !== undefined && UPSTREAM_AUTH_CODES.has(code)) || status === 401 || status === 403) {
    return new ApiError(
      502,
      "The proxy's own Cloudflare credentials (CLOUDFLARE_API_TOKEN / CLOUDFLARE_ACCOUNT_ID) were rejected by Workers AI. This is a server configuration problem, not your API key.",
      'server_error',
      null,
      'upstream_auth_failed',
    );
  }
  if ((code !== undefined && INVALID_INPUT_CODES.has(code)) || status === 400 || status === 422) {
    return new ApiError(400, `Workers AI rejected the request: ${detail}`, 'invalid_request_error', null, 'upstream_invalid_input');
  }
  if (status === 429) return new ApiError(429, `Workers AI rate limit reached. (${detail})`, 'rate_limit_error', null, 'rate_limit_exceeded');
  return new ApiError(502, `Workers AI request failed: ${detail}`, 'server_error', null, 'upstream_error');
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
