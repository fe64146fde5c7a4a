import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../../src/lib/base64';
import { float32Base64 } from '../../src/lib/float32-base64';

const decode = (b64: string) => {
  const bytes = fromBase64(b64);
  return [...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)];
};

describe('float32Base64', () => {
  it('is little-endian float32, the bytes openai-node decodes', () => {
    // 1.0 = 0x3f800000, little-endian 00 00 80 3f.
    expect([...fromBase64(float32Base64([1]))]).toEqual([0, 0, 0x80, 0x3f]);
    expect(decode(float32Base64([0.5, -2, 0]))).toEqual([0.5, -2, 0]);
  });

  it('cuts to `length` and multiplies by `scale`', () => {
    expect(decode(float32Base64([1, 2, 3, 4], 2, 0.5))).toEqual([0.5, 1]);
    expect(float32Base64([])).toBe('');
  });
});
