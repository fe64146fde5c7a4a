import { describe, expect, it } from 'vitest';
import { sniffImage } from '../../src/lib/sniff';

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
