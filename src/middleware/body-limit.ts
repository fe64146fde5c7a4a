import { bodyLimit as honoBodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors';
import type { AppEnv } from '../types';

type Limit = ReturnType<typeof honoBodyLimit>;
const byConfig = new WeakMap<object, Limit>();

/** Refuses bodies over MAX_BODY_BYTES with 413, checking Content-Length and the streamed bytes alike. */
export const bodyLimit = createMiddleware<AppEnv>((c, next) => {
  const config = c.get('services').config;
  let mw = byConfig.get(config);
  if (!mw) {
    const max = config.maxBodyBytes;
    mw = honoBodyLimit({
      maxSize: max,
      onError: () => {
        throw new ApiError(413, `Request body too large: the limit is ${max} bytes.`, 'invalid_request_error', null, 'request_too_large');
      },
    });
    byConfig.set(config, mw);
  }
  return mw(c, next);
});
