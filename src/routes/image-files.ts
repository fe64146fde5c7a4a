import { Hono } from '../lib/hono';
import { ApiError } from '../errors';
import type { AppEnv } from '../types';

const YEAR = 365 * 24 * 3600;

/**
 * GET /v1/images/files/{id}: images stored for `response_format: "url"`. Public on purpose, like
 * OpenAI's own image URLs: an <img src> cannot send a bearer header, so the unguessable id
 * (192 random bits) is the credential, and IMAGE_URL_TTL_SECONDS bounds how long it works.
 */
export const imageFiles = new Hono<AppEnv>().get('/images/files/:file', async (c) => {
  // The id is the credential: keep it out of the request log.
  c.set('logPath', '/v1/images/files/[id]');
  const store = c.get('services').images;
  const image = store && (await store.get(c.req.param('file')));
  if (!image) {
    throw new ApiError(
      404,
      store
        ? 'No such image file: the URL is wrong or has expired.'
        : 'This proxy stores no image files (no IMAGES_BUCKET binding); its image URLs are data: URLs.',
      'invalid_request_error',
      null,
      'image_not_found',
    );
  }
  const maxAge = image.expiresAt === undefined ? YEAR : Math.max(0, Math.floor((image.expiresAt - Date.now()) / 1000));
  return new Response(image.body, {
    headers: {
      'content-type': image.contentType,
      'content-length': String(image.size),
      etag: image.etag,
      'cache-control': `private, max-age=${maxAge}${image.expiresAt === undefined ? ', immutable' : ''}`,
      'x-content-type-options': 'nosniff',
      ...(image.expiresAt !== undefined && { expires: new Date(image.expiresAt).toUTCString() }),
    },
  });
});
