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

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new ApiError(400, message, 'invalid_request_error', param, code);

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
