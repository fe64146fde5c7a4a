/** OpenAI-shaped errors: `{error: {message, type, param, code}}` with an HTTP status. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 410 | 413 | 415 | 429 | 500 | 501 | 502 | 503 | 504;

export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Sent with the error response (`retry-after`, `x-should-retry`); the body never carries them. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON() {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/**
 * One constructor per kind of error. Those naming a request field take the param first, so the
 * field and the sentence are never swapped; `invalidRequest` is for the rarer 400 codes.
 */
export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new ApiError(400, message, 'invalid_request_error', param, code);

/** 400 `invalid_value`: the field holds a value this proxy or the model cannot take. */
export const invalidValue = (param: string | null, message: string) => new ApiError(400, message, 'invalid_request_error', param, 'invalid_value');

/** 400 `unsupported_parameter`: refused, never silently dropped. */
export const unsupportedParameter = (param: string, message: string) =>
  new ApiError(400, message, 'invalid_request_error', param, 'unsupported_parameter');

/** The same, for a feature named in prose: "`what` is not supported by this proxy.`hint`". */
export const notSupported = (param: string, what: string, hint = '') => unsupportedParameter(param, `${what} is not supported by this proxy.${hint}`);

/** 413 `request_too_large`. */
export const requestTooLarge = (param: string | null, message: string) =>
  new ApiError(413, message, 'invalid_request_error', param, 'request_too_large');

/** 502 `upstream_error`: Workers AI failed or answered something unusable. */
export const upstreamError = (message: string) => new ApiError(502, message, 'server_error', null, 'upstream_error');

/** 502 for a Workers AI answer whose shape this proxy cannot read. */
export const unexpectedOutput = (model: string) => upstreamError(`Workers AI returned an output of an unexpected shape for ${model}.`);

/** A deployment setting is missing or wrong: the operator's problem, not the client's. */
export const proxyMisconfigured = (message: string, code = 'proxy_misconfigured', status: 500 | 503 = 500) =>
  new ApiError(status, `Proxy misconfigured: ${message}`, 'server_error', null, code);

/** 400 `model_not_supported`: the model exists but cannot serve this endpoint (or this proxy cannot drive it). */
export const modelNotSupported = (message: string) => new ApiError(400, message, 'invalid_request_error', 'model', 'model_not_supported');

export const modelNotFound = (model: string) =>
  new ApiError(
    404,
    `The model \`${model}\` does not exist or you do not have access to it.`,
    'invalid_request_error',
    'model',
    'model_not_found',
  );

export const serverError = (message = 'The server had an error while processing your request.') =>
  new ApiError(500, message, 'server_error', null, 'internal_error');
