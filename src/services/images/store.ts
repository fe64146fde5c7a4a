import { randomBase64Url } from '../../lib/random';
import { EXTENSION, type ImageData } from './data';

/** 24 random bytes as base64url: 192 bits, so a file URL cannot be guessed and works as its own key. */
const FILE = /^([A-Za-z0-9_-]{32})(?:\.(?:png|jpg|jpeg|webp|gif))?$/;
const PREFIX = 'images/';

export interface StoredImage {
  body: ReadableStream;
  contentType: string;
  size: number;
  etag: string;
  /** Epoch ms after which the URL stops working; undefined = never. */
  expiresAt?: number;
}

/**
 * Generated images kept in R2 (binding IMAGES_BUCKET) under `images/<id>`, so that
 * `response_format: "url"` can answer with a short link served by GET /v1/images/files/{id}.
 */
export class ImageStore {
  readonly #bucket: R2Bucket;
  /** 0 = no expiry. */
  readonly #ttlMs: number;

  constructor(bucket: R2Bucket, ttlMs: number) {
    this.#bucket = bucket;
    this.#ttlMs = ttlMs;
  }

  /** Stores the image; returns its file name (`<id>.<ext>`). */
  async put(image: ImageData): Promise<string> {
    const id = randomBase64Url(24);
    await this.#bucket.put(PREFIX + id, image.bytes, {
      httpMetadata: { contentType: image.mime },
      customMetadata: this.#ttlMs ? { expires: String(Date.now() + this.#ttlMs) } : {},
    });
    return `${id}.${EXTENSION[image.mime]}`;
  }

  /** The stored image for a file name, or undefined when it is unknown or has expired. */
  async get(file: string): Promise<StoredImage | undefined> {
    const id = FILE.exec(file)?.[1];
    if (!id) return undefined;
    const object = await this.#bucket.get(PREFIX + id);
    if (!object) return undefined;
    const expires = Number(object.customMetadata?.expires);
    if (Number.isFinite(expires) && expires > 0 && Date.now() >= expires) {
      await object.body.cancel();
      await this.#bucket.delete(PREFIX + id);
      return undefined;
    }
    return {
      body: object.body,
      contentType: object.httpMetadata?.contentType ?? 'application/octet-stream',
      size: object.size,
      etag: object.httpEtag,
      ...(Number.isFinite(expires) && expires > 0 && { expiresAt: expires }),
    };
  }
}
