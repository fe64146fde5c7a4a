/**
 * Anthropic's error shape, `{type: "error", error: {type, message}}`, and its error types: the
 * proxy's OpenAI-style errors (status, type, code) mapped onto the type and status Anthropic
 * clients branch on (the SDK's error classes, Claude Code's retry rules).
 */

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

interface OpenAIErrorFields {
  type?: unknown;
  code?: unknown;
}

/** Anthropic answers a busy model with 529 overloaded_error; clients retry it. */
export const OVERLOADED_STATUS = 529;

/** The Anthropic error type for an OpenAI-style error; `status` is absent for one in a stream. */
export function anthropicErrorType(status: number | undefined, error: OpenAIErrorFields): AnthropicErrorType {
  const code = typeof error.code === 'string' ? error.code : '';
  if (code === 'upstream_overloaded') return 'overloaded_error';
  if (code === 'insufficient_quota') return 'billing_error';
  if (code === 'upstream_timeout') return 'timeout_error';
  if (code === 'request_too_large' || status === 413) return 'request_too_large';
  if (code === 'rate_limit_exceeded' || status === 429) return 'rate_limit_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404 || status === 410) return 'not_found_error';
  if (status !== undefined) return status < 500 ? 'invalid_request_error' : 'api_error';
  return error.type === 'invalid_request_error' ? 'invalid_request_error' : 'api_error';
}

const STATUS_OF: Partial<Record<AnthropicErrorType, number>> = {
  overloaded_error: OVERLOADED_STATUS,
  billing_error: 402,
  timeout_error: 504,
};

/** The HTTP status for an Anthropic error type, where it differs from the proxy's own. */
export const anthropicStatus = (type: AnthropicErrorType, status: number): number => STATUS_OF[type] ?? status;

export const anthropicError = (type: AnthropicErrorType, message: string, requestId: string | undefined) => ({
  type: 'error' as const,
  error: { type, message },
  request_id: requestId ?? null,
});
