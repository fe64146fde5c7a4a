import { describe, expect, it } from 'vitest';
import { sameSecret, sha256, sha256Hex, toHex } from '../../src/lib/hash';

describe('hash', () => {
  it('sha256 of UTF-8 text matches the published test vectors', async () => {
    expect(await sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect((await sha256('abc')).length).toBe(32);
  });

  it('toHex writes two lower-case digits per byte', () => {
    expect(toHex(Uint8Array.of(0, 1, 0xab, 0xff))).toBe('0001abff');
    expect(toHex(new Uint8Array(0))).toBe('');
  });

  it('sameSecret compares secrets of any length', async () => {
    expect(await sameSecret('sk-admin', 'sk-admin')).toBe(true);
    expect(await sameSecret('sk-admin', 'sk-admiN')).toBe(false);
    expect(await sameSecret('', 'sk-admin')).toBe(false);
  });
});
