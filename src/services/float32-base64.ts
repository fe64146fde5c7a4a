/**
 * OpenAI's `encoding_format: "base64"`: the vector as little-endian float32 bytes, base64-encoded
 * (what openai-node asks for by default and decodes with `new Float32Array(buffer)`).
 */

const LITTLE_ENDIAN = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;
/** A multiple of 3, so the base64 of consecutive chunks concatenates without padding in between. */
const CHUNK = 3 * 8192;

export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += btoa(String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]));
  }
  return out;
}

/** The first `length` values of `vector`, each multiplied by `scale`, as base64 float32 LE. */
export function float32Base64(vector: readonly number[], length = vector.length, scale = 1): string {
  const floats = new Float32Array(length);
  for (let i = 0; i < length; i++) floats[i] = vector[i]! * scale;
  const bytes = new Uint8Array(floats.buffer);
  if (!LITTLE_ENDIAN) for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  return bytesToBase64(bytes);
}
