import type { Config } from '../../config';
import { concatBytes } from '../../lib/bytes';
import { ApiError, invalidRequest } from '../../errors';
import { fromBase64, toBase64 } from '../../lib/base64';
import { OutboundRefused, fetchPublic, outboundRefusal } from '../../lib/outbound';
import { sniffImage } from '../../lib/sniff';

/** Largest image accepted, from a data URL or downloaded. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
/** How long an http(s) image download may take. */
export const IMAGE_FETCH_TIMEOUT_MS = 10_000;

/**
 * What one request's URL downloads may still take, all of them together (MAX_URL_INPUT_BYTES):
 * forty URLs of 9 MiB each stop at the total, not at 360 MiB.
 */
export interface DownloadBudget {
  remaining: number;
  readonly total: number;
}

export const downloadBudget = (limits: Config['urlInputs']): DownloadBudget => ({ remaining: limits.maxTotalBytes, total: limits.maxTotalBytes });

/** An image ready to send: its data URL, and its bytes when the model needs them raw. */
export interface ImageInput {
  dataUrl: string;
  bytes?: Uint8Array;
}

const DATA_URL = /^data:(image\/[\w.+-]+);base64,/i;

function imageError(message: string, param: string, code = 'invalid_image_url'): ApiError {
  return invalidRequest(message, param, code);
}

function base64Bytes(b64: string, param: string): Uint8Array {
  try {
    return fromBase64(b64);
  } catch {
    throw imageError('The image data URL is not valid base64.', param, 'invalid_base64_image');
  }
}

const timedOut = (param: string) => imageError(`Timed out after ${IMAGE_FETCH_TIMEOUT_MS / 1000} s downloading the image.`, param, 'image_download_timeout');

const tooLarge = (param: string) =>
  imageError(`The image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MiB.`, param, 'image_too_large');

const overBudget = (param: string, budget: DownloadBudget) =>
  imageError(`The linked images total more than ${budget.total} bytes (MAX_URL_INPUT_BYTES).`, param, 'image_urls_too_large');

/** Reads a response body, refusing it as soon as it passes the per-image limit or the request's budget. */
async function readCapped(res: Response, param: string, budget: DownloadBudget): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > MAX_IMAGE_BYTES || declared > budget.remaining) {
    await res.body?.cancel();
    throw declared > MAX_IMAGE_BYTES ? tooLarge(param) : overBudget(param, budget);
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.byteLength;
    budget.remaining -= r.value.byteLength;
    if (size > MAX_IMAGE_BYTES || budget.remaining < 0) {
      await reader.cancel();
      throw size > MAX_IMAGE_BYTES ? tooLarge(param) : overBudget(param, budget);
    }
    parts.push(r.value);
  }
  return concatBytes(parts, size);
}

async function download(url: URL, param: string, budget: DownloadBudget, signal?: AbortSignal): Promise<ImageInput> {
  const timeout = AbortSignal.timeout(IMAGE_FETCH_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetchPublic(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'image/*' } });
  } catch (err) {
    if (err instanceof OutboundRefused) throw imageError(`Could not download the image: ${err.message}`, param, 'image_url_not_allowed');
    if (timeout.aborted || (err instanceof Error && err.name === 'TimeoutError')) throw timedOut(param);
    if (signal?.aborted) throw err;
    throw imageError(`Could not download the image: ${err instanceof Error ? err.message : String(err)}`, param);
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw imageError(`Could not download the image: HTTP ${res.status}.`, param);
  }
  // A label that says "not an image" is believed; one that says "image" is checked against the bytes.
  const label = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (label && !label.startsWith('image/') && label !== 'application/octet-stream') {
    await res.body?.cancel();
    throw imageError(`The URL does not point to an image (content-type ${label}).`, param, 'unsupported_image_media_type');
  }
  let bytes: Uint8Array;
  try {
    bytes = await readCapped(res, param, budget);
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw timeout.aborted || (err instanceof Error && err.name === 'TimeoutError') ? timedOut(param) : imageError('The image download failed.', param);
  }
  if (!bytes.length) throw imageError('The downloaded image is empty.', param, 'empty_image_file');
  const type = sniffImage(bytes);
  if (!type) throw imageError('The URL does not point to a PNG, JPEG, GIF, WebP, BMP, TIFF, AVIF or HEIC image.', param, 'unsupported_image_media_type');
  return { dataUrl: `data:${type};base64,${toBase64(bytes)}`, bytes };
}

/** True for an `image_url` that is downloaded (http(s)), not inline data: these count against MAX_URL_INPUTS. */
export const isRemoteImage = (url: string) => !/^data:/i.test(url);

/**
 * An `image_url` part's URL as an image the model can take: data URLs are checked (and decoded
 * when `needBytes`), http(s) URLs are downloaded with a size limit and a timeout, since Workers
 * AI models accept only inline image data.
 */
export async function loadImage(url: string, param: string, needBytes: boolean, budget: DownloadBudget, signal?: AbortSignal): Promise<ImageInput> {
  const data = DATA_URL.exec(url);
  if (data) {
    const b64 = url.slice(data[0].length);
    if (Math.floor((b64.length * 3) / 4) > MAX_IMAGE_BYTES + 2) throw tooLarge(param);
    if (!needBytes) {
      if (!b64 || !/^[A-Za-z0-9+/=\s]*$/.test(b64)) throw imageError('The image data URL is not valid base64.', param, 'invalid_base64_image');
      return { dataUrl: url };
    }
    const bytes = base64Bytes(b64, param);
    if (!bytes.length) throw imageError('The image data URL is empty.', param, 'empty_image_file');
    return { dataUrl: url, bytes };
  }
  if (/^data:/i.test(url)) throw imageError('Image data URLs must be base64 images (data:image/<type>;base64,...).', param, 'invalid_image_format');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw imageError('The image URL is not a valid URL.', param);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw imageError('Image URLs must be http(s) or data URLs.', param);
  const refusal = outboundRefusal(parsed);
  if (refusal) throw imageError(`The image URL is not allowed: ${refusal}.`, param, 'image_url_not_allowed');
  return download(parsed, param, budget, signal);
}
