import { describe, expect, it } from 'vitest';
import { base64Chunked, fromBase64, toBase64, toBase64Url } from '../../src/lib/base64';

describe('base64 for whisper-large-v3-turbo', () => {
  it('the chunked fallback matches the native encoder at every chunk boundary', () => {
    const data = new Uint8Array(3 * 0x2aaa * 2 + 7);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 255;
    for (const n of [0, 1, 2, 3, 0x7ffd, 0x7ffe, 0x7fff, data.length]) {
      const part = data.subarray(0, n);
      expect(base64Chunked(part)).toBe((part as any).toBase64());
      expect(toBase64(part)).toBe(base64Chunked(part));
      expect(fromBase64(base64Chunked(part))).toEqual(part);
    }
  });
});

describe('base64 edges', () => {
  it('decodes with whitespace, refuses what is not base64, and makes unpadded URL-safe ids', () => {
    expect([...fromBase64('AAEC\n/w==')]).toEqual([0, 1, 2, 255]);
    expect(() => fromBase64('not base64!')).toThrow();
    expect(toBase64(Uint8Array.of(0xfb, 0xff))).toBe('+/8=');
    expect(toBase64Url(Uint8Array.of(0xfb, 0xff))).toBe('-_8');
    expect(toBase64(new Uint8Array(0))).toBe('');
  });
});
