/** SHA-256 over UTF-8 text, as bytes or lower-case hex. */

const encoder = new TextEncoder();

/** Lower-case hex of the bytes, two digits each. */
export const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export const sha256 = async (text: string): Promise<Uint8Array> => new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));

export const sha256Hex = async (text: string): Promise<string> => toHex(await sha256(text));

/**
 * Whether two secrets are equal, in time independent of where they differ: their SHA-256
 * digests (fixed length) are compared with timingSafeEqual.
 */
export const sameSecret = async (given: string, expected: string): Promise<boolean> =>
  crypto.subtle.timingSafeEqual(await sha256(given), await sha256(expected));
