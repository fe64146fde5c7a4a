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
