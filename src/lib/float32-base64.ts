import { toBase64 } from './base64';

/**
 * OpenAI's `encoding_format: "base64"`: the vector as little-endian float32 bytes, base64-encoded
 * (what openai-node asks for by default and decodes with `new Float32Array(buffer)`).
 */

const LITTLE_ENDIAN = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;
/** The first `length` values of `vector`, each multiplied by `scale`, as base64 float32 LE. */
export function float32Base64(vector: readonly number[], length = vector.length, scale = 1): string {
  const floats = new Float32Array(length);
  for (let i = 0; i < length; i++) floats[i] = vector[i]! * scale;
  const bytes = new Uint8Array(floats.buffer);
  if (!LITTLE_ENDIAN) for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  return toBase64(bytes);
}
