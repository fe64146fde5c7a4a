import { createMiddleware } from 'hono/factory';
import { ApiError } from '../errors';
import { concatBytes } from '../lib/bytes';
import type { AppEnv } from '../types';

/**
 * The most of an over-limit body read and thrown away before the 413 goes out. Answering while
 * a chunked upload is still arriving made the server close the connection with unread bytes in
 * it, and the client got a TCP reset (ECONNRESET) instead of the 413, or a broken next request
 * on that keep-alive connection (issue 13). Reading the rest first ends the request cleanly.
 * A body larger still is cancelled: that connection is then closed, deliberately.
 */
export const MAX_DRAIN_BYTES = 128 * 1024 * 1024;

const tooLarge = (max: number) =>
  new ApiError(413, `Request body too large: the limit is ${max} bytes.`, 'invalid_request_error', null, 'request_too_large');

/** Reads and discards what is left of `reader` (up to MAX_DRAIN_BYTES), then lets go of it. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  let drained = 0;
  try {
    while (drained <= MAX_DRAIN_BYTES) {
      const r = await reader.read();
      if (r.done) return;
      drained += r.value.byteLength;
    }
    await reader.cancel();
  } catch {
    // The client stopped sending: nothing left to read.
  }
}

/**
 * Refuses bodies over MAX_BODY_BYTES with 413: by Content-Length when there is one (the runtime
 * discards a declared-length body the Worker did not read), else by counting the streamed bytes;
 * then the body is handed on as the bytes read.
 */
export const bodyLimit = createMiddleware<AppEnv>(async (c, next) => {
  const raw = c.req.raw;
  const max = c.get('services').config.maxBodyBytes;
  // The header first: reading `raw.body` makes the runtime build the body's stream object.
  const declared = raw.headers.get('content-length');
  if (declared !== null && !raw.headers.has('transfer-encoding')) {
    if (Number(declared) > max) throw tooLarge(max);
    return next();
  }
  if (!raw.body) return next();
  const reader = raw.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.byteLength;
    if (size > max) {
      parts.length = 0;
      await drain(reader);
      throw tooLarge(max);
    }
    parts.push(r.value);
  }
  const body = concatBytes(parts, size);
  c.req.raw = new Request(raw, { body });
  return next();
});
