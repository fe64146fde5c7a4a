import { describe, expect, it } from 'vitest';
import { imageSize, sniffImage } from '../../src/lib/sniff';

const bytes = (...parts: (number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(p, (c) => c.charCodeAt(0)) : p)));

describe('sniffImage', () => {
  it.each([
    ['image/png', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR')],
    ['image/jpeg', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF')],
    ['image/gif', bytes('GIF89a', [1, 0, 1, 0])],
    ['image/gif', bytes('GIF87a', [1, 0, 1, 0])],
    ['image/webp', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ')],
    ['image/bmp', bytes('BM', [0x3a, 0, 0, 0])],
    ['image/tiff', bytes([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0])],
    ['image/avif', bytes([0, 0, 0, 0x1c], 'ftypavif', [0, 0, 0, 0])],
    ['image/heic', bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0])],
  ])('reads %s from its magic number', (type, b) => {
    expect(sniffImage(b)).toBe(type);
  });

  it.each([
    ['JSON text', bytes('{"error":"not found"}')],
    ['an HTML page', bytes('<!DOCTYPE html><html>')],
    ['a RIFF file that is not WebP (WAV)', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ')],
    ['an MP4 video', bytes([0, 0, 0, 0x18], 'ftypisom', [0, 0, 0, 0])],
    ['a cut PNG signature', bytes([0x89], 'PNG')],
    ['nothing', new Uint8Array(0)],
  ])('%s is not an image', (_name, b) => {
    expect(sniffImage(b)).toBeUndefined();
  });
});

describe('imageSize', () => {
  it('reads PNG, JPEG and WebP (VP8, VP8L, VP8X) headers', () => {
    expect(imageSize(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR', [0, 0, 2, 0, 0, 0, 1, 0x80]))).toEqual({ width: 512, height: 384 });
    // SOI, an APP0 segment of 4 bytes, then SOF0: length 17, precision 8, height 0x0120, width 0x0200.
    expect(imageSize(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 17, 8, 0x01, 0x20, 0x02, 0x00, 3]))).toEqual({ width: 512, height: 288 });
    const riff = (chunk: string, body: number[]) => bytes('RIFF', [0, 0, 0, 0], 'WEBP', chunk, [0, 0, 0, 0], body);
    expect(imageSize(riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]))).toEqual({ width: 640, height: 480 });
    // VP8L: signature 0x2f, then 14 bits width-1 (639), 14 bits height-1 (479).
    const w = 639, h = 479, bits = w | (h << 14);
    expect(imageSize(riff('VP8L', [0x2f, bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, (bits >>> 24) & 255, 0, 0, 0, 0, 0]))).toEqual({ width: 640, height: 480 });
    expect(imageSize(riff('VP8X', [0, 0, 0, 0, 0x7f, 0x02, 0, 0xdf, 0x01, 0]))).toEqual({ width: 640, height: 480 });
  });

  it('says nothing for what it cannot read', () => {
    expect(imageSize(bytes('GIF89a', [1, 0, 1, 0]))).toBeUndefined();
    expect(imageSize(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0]))).toBeUndefined();
    expect(imageSize(new Uint8Array(0))).toBeUndefined();
  });
});
