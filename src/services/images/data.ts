import { fromBase64, toBase64 } from '../../lib/base64';
import { upstreamError } from '../../errors';

export type ImageMime = 'image/png' | 'image/jpeg' | 'image/webp' | 'image/gif';

/** The file type from the first bytes: PNG 89 50 4E 47, JPEG FF D8 FF, WebP RIFF....WEBP, GIF "GIF8". */
export function sniffImage(b: Uint8Array): ImageMime | undefined {
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  if (b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return 'image/gif';
  return undefined;
}

export const EXTENSION: Readonly<Record<ImageMime, string>> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp', 'image/gif': 'gif' };
/** ImagesResponse.output_format knows these three. */
export const OUTPUT_FORMAT: Readonly<Partial<Record<ImageMime, 'png' | 'jpeg' | 'webp'>>> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/webp': 'webp' };

/** Decodes base64 (standard or URL-safe alphabet); undefined when it is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  try {
    return fromBase64(text.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
}

/** One image as the model gave it, bytes or base64; the other form is computed only if asked for. */
export class ImageData {
  #raw?: Uint8Array;
  #b64?: string;

  constructor(readonly mime: ImageMime, raw?: Uint8Array, b64?: string) {
    this.#raw = raw;
    this.#b64 = b64;
  }

  get bytes(): Uint8Array {
    return (this.#raw ??= decodeBase64(this.#b64!)!);
  }

  get base64(): string {
    return (this.#b64 ??= toBase64(this.#raw!));
  }
}

const notAnImage = (what: string) =>
  upstreamError(`Workers AI returned ${what} instead of an image.`);

function fromBytes(bytes: Uint8Array): ImageData {
  const mime = sniffImage(bytes);
  if (!mime) throw notAnImage(bytes.length ? `${bytes.length} bytes that are not a PNG, JPEG, WebP or GIF file` : 'an empty body');
  return new ImageData(mime, bytes);
}

function fromBase64Text(text: string): ImageData {
  const b64 = text.startsWith('data:') ? text.slice(text.indexOf(',') + 1) : text;
  // The first 16 characters (12 bytes) are enough to know the type; the rest is decoded only if needed.
  const head = decodeBase64(b64.slice(0, 16));
  const mime = head && sniffImage(head);
  if (!mime) throw notAnImage('text that is not a base64 image');
  return new ImageData(mime, undefined, b64);
}

/**
 * Reads a Text-to-Image result in any of the shapes Workers AI uses: `{image: base64}` (FLUX,
 * Lucid Origin), a ReadableStream of PNG/JPEG bytes (the binding's binary models, and the REST
 * transport's non-JSON bodies), bytes, or a bare base64 string.
 */
export async function readImageOutput(out: unknown): Promise<ImageData> {
  if (out instanceof ReadableStream) return fromBytes(new Uint8Array(await new Response(out).arrayBuffer()));
  if (out instanceof Uint8Array) return fromBytes(out);
  if (out instanceof ArrayBuffer) return fromBytes(new Uint8Array(out));
  if (ArrayBuffer.isView(out)) return fromBytes(new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
  if (typeof out === 'string') return fromBase64Text(out);
  const image = out && typeof out === 'object' ? (out as { image?: unknown }).image : undefined;
  if (typeof image === 'string' && image) return fromBase64Text(image);
  throw notAnImage(out && typeof out === 'object' ? `an object without an image (keys: ${Object.keys(out).slice(0, 5).join(', ') || 'none'})` : String(out));
}
