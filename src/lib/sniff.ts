/**
 * What a file is, by its first bytes (magic numbers), not by the label it came with: a
 * Content-Type header or a file name says what a server claims, the bytes say what it sent.
 */

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => b.length >= at + sig.length && sig.every((x, i) => b[at + i] === x);
const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

const SIGNATURES: readonly [type: string, signature: readonly number[], at?: number][] = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', ascii('GIF87a')],
  ['image/gif', ascii('GIF89a')],
  ['image/bmp', ascii('BM')],
  ['image/tiff', [0x49, 0x49, 0x2a, 0x00]],
  ['image/tiff', [0x4d, 0x4d, 0x00, 0x2a]],
];

/** ISO-BMFF brands (an `ftyp` box at offset 4) of still-image formats. */
const FTYP_BRANDS: Readonly<Record<string, string>> = { avif: 'image/avif', avis: 'image/avif', heic: 'image/heic', heix: 'image/heic', mif1: 'image/heif', msf1: 'image/heif' };

/** The image type of `bytes` (image/png, image/jpeg, ...), or undefined when they are not an image this knows. */
export function sniffImage(bytes: Uint8Array): string | undefined {
  for (const [type, sig, at] of SIGNATURES) if (startsWith(bytes, sig, at)) return type;
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, ascii('ftyp'), 4) && bytes.length >= 12) {
    const brand = String.fromCharCode(bytes[8]!, bytes[9]!, bytes[10]!, bytes[11]!);
    return FTYP_BRANDS[brand];
  }
  return undefined;
}

/**
 * Width and height from a PNG, JPEG or WebP header, or undefined when the bytes do not say
 * (an inpainting mask must have its image's dimensions: known before anything is decoded).
 */
export function imageSize(b: Uint8Array): { width: number; height: number } | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const type = sniffImage(b);
  if (type === 'image/png' && b.length >= 24) return { width: dv.getUint32(16), height: dv.getUint32(20) };
  if (type === 'image/webp' && b.length >= 30) {
    const chunk = String.fromCharCode(b[12]!, b[13]!, b[14]!, b[15]!);
    if (chunk === 'VP8 ') return { width: dv.getUint16(26, true) & 0x3fff, height: dv.getUint16(28, true) & 0x3fff };
    if (chunk === 'VP8L') return { width: 1 + (((b[22]! & 0x3f) << 8) | b[21]!), height: 1 + (((b[24]! & 0xf) << 10) | (b[23]! << 2) | (b[22]! >> 6)) };
    if (chunk === 'VP8X') return { width: 1 + (b[24]! | (b[25]! << 8) | (b[26]! << 16)), height: 1 + (b[27]! | (b[28]! << 8) | (b[29]! << 16)) };
  }
  if (type === 'image/jpeg') {
    // Segments after SOI: FF, marker, 2-byte length; a start-of-frame (C0-CF but C4, C8, CC) holds the size.
    for (let at = 2; at + 9 <= b.length && b[at] === 0xff; at += 2 + dv.getUint16(at + 2)) {
      const m = b[at + 1]!;
      if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return { width: dv.getUint16(at + 7), height: dv.getUint16(at + 5) };
    }
  }
  return undefined;
}
