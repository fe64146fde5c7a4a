import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ApiError, serverError } from '../errors';
import type { AppEnv } from '../types';

function fromHttpException(err: HTTPException): ApiError {
  if (err.status === 400 && /json/i.test(err.message)) {
    return new ApiError(
      400,
      'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload.',
      'invalid_request_error',
      null,
      'invalid_json',
    );
  }
  if (err.status === 413) return new ApiError(413, 'Request body too large.', 'invalid_request_error', null, 'request_too_large');
  const status = err.status >= 400 && err.status < 500 ? 400 : 500;
  return new ApiError(status, err.message || 'Bad request.', status === 400 ? 'invalid_request_error' : 'server_error');
}

const respond = (c: Context<AppEnv>, error: ApiError) => c.json(error.toJSON(), error.status, error.headers);

/** Every failure leaves as `{error: {message, type, param, code}}` with a fitting status. */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  const error = err instanceof ApiError ? err : err instanceof HTTPException ? fromHttpException(err) : undefined;
  if (error) return respond(c, error);
  // The client went away (its request signal aborted the upstream call): nobody reads this answer.
  if (c.req.raw.signal?.aborted) return respond(c, new ApiError(400, 'The client closed the request.', 'invalid_request_error', null, 'client_closed_request'));
  // Unexpected: log what happened (messages carry no secrets: transports scrub them), answer generically.
  console.error(
    JSON.stringify({
      level: 'error',
      request_id: c.get('requestId') ?? null,
      method: c.req.method,
      path: c.get('logPath') ?? c.req.path,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    }),
  );
  return respond(c, serverError());
};

export const notFound: NotFoundHandler<AppEnv> = (c) =>
  respond(
    c,
    new ApiError(
      404,
      `Unknown request URL: ${c.req.method} ${c.req.path}. Please check the URL for typos.`,
      'invalid_request_error',
      null,
      'unknown_url',
    ),
  );
