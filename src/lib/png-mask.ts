/**
 * OpenAI masks mark the area to edit by transparency (alpha 0 = repaint); Stable Diffusion
 * inpainting reads a grayscale mask, white = repaint. This converts the first into the second
 * with the PNG reader/writer it needs (8/16-bit, non-interlaced), using the runtime's zlib streams.
 */

import { settlesByNextTimer } from './settled';

export class MaskError extends Error {}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/** Channels per colour type: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
const CHANNELS: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
/** 2048 x 2048, the largest the inpainting models draw; bounds the memory a mask can take. */
const MAX_PIXELS = 2048 * 2048;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
  return n >>> 0;
});
function crc32(b: Uint8Array): number {
  let c = ~0;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]!) & 255]! ^ (c >>> 8);
  return ~c >>> 0;
}

async function through(bytes: Uint8Array, transform: TransformStream<Uint8Array, Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(transform)).arrayBuffer());
}

/** Deflate expands at most ~1032x: a piece of at most (budget left)/1032 bytes cannot take the output past the budget by more than a read block and one 1 KiB piece's output (about 2 MiB). */
const MAX_RATIO = 1032;
/** Inflated rows are read into one reused buffer of about this size (whole rows). */
const BLOCK_BYTES = 1 << 20;

/**
 * Inflates zlib `data`, which must give exactly `rows` rows of `rowBytes` bytes, handing them to
 * `sink` in blocks of whole rows as they come, and refuses it the moment it gives one byte more:
 * a decompression bomb costs at most its declared size (plus about 2 MiB) of inflating and never
 * sits in memory whole (nothing here holds more than one block and the inflater's last piece).
 */
async function inflateRows(data: Uint8Array, rowBytes: number, rows: number, sink: (block: Uint8Array, firstRow: number) => void): Promise<void> {
  const expected = rowBytes * rows;
  const ds = new DecompressionStream('deflate');
  const writer = ds.writable.getWriter();
  // A BYOB reader fills a block of whole rows per read; the default reader hands out 4 KiB at a
  // time (4,100 reads and promises for a 2048x2048 RGBA mask, most of the time it took).
  const reader = ds.readable.getReader({ mode: 'byob' });
  const blockBytes = Math.max(1, Math.floor(BLOCK_BYTES / rowBytes)) * rowBytes;
  let block = new Uint8Array(blockBytes);
  let fed = 0;
  let closed = false;
  let size = 0;
  // workerd's inflater works through each written piece as it is written, whoever reads: fed
  // ahead, a bomb's 510 KiB would all inflate (512 MiB) before the reader saw the cap. So a
  // piece goes in only when the read waits for input (it has not settled by the next timer),
  // sized for about one block of output at the ratio seen so far (what the inflater holds beyond
  // the read is copied down on every read: 16 MiB of it cost the bomb 20 ms), and never more
  // than the budget left could take at deflate's worst ratio.
  const feed = async () => {
    if (fed >= data.length) return (closed = true), writer.close();
    const ratio = size ? size / fed : fed ? 1 : MAX_RATIO;
    const piece = Math.max(1024, Math.floor(Math.min(64 * 1024, blockBytes / ratio, (expected - size) / MAX_RATIO)));
    await writer.write(data.subarray(fed, (fed += piece)));
  };
  try {
    for (;;) {
      // Once the declared size is in, one byte more: the end, or more data than declared.
      const want = Math.min(blockBytes, expected - size) || 1;
      const read = reader.readAtLeast(want, block.subarray(0, want));
      while (!closed && !(await settlesByNextTimer(read))) await feed();
      const { done, value } = await read;
      if (done) break;
      block = new Uint8Array(value.buffer);
      if (size + value.length > expected) throw new MaskError('The mask PNG holds more image data than its dimensions declare.');
      if (value.length < want) break;
      sink(value, size / rowBytes);
      size += value.length;
    }
  } catch (err) {
    await Promise.all([reader.cancel().catch(() => undefined), writer.abort().catch(() => undefined)]);
    if (err instanceof MaskError) throw err;
    throw new MaskError('The mask PNG is corrupt (its image data does not decompress).');
  }
  if (size !== expected) throw new MaskError('The mask PNG is truncated.');
}

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  idat: Uint8Array[];
  trns?: Uint8Array;
}

function parse(b: Uint8Array): Png {
  if (b.length < 33 || SIGNATURE.some((x, i) => b[i] !== x)) throw new MaskError('The mask must be a PNG file.');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const png: Partial<Png> & { idat: Uint8Array[] } = { idat: [] };
  for (let at = 8; at + 8 <= b.length; ) {
    const length = dv.getUint32(at);
    const type = String.fromCharCode(b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);
    const data = b.subarray(at + 8, at + 8 + length);
    if (data.length !== length) throw new MaskError('The mask PNG is truncated.');
    if (type === 'IHDR') {
      Object.assign(png, { width: dv.getUint32(at + 8), height: dv.getUint32(at + 12), bitDepth: b[at + 16], colorType: b[at + 17], interlace: b[at + 20] });
    } else if (type === 'IDAT') png.idat.push(data);
    else if (type === 'tRNS') png.trns = data;
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (!png.width || !png.height || !png.idat.length) throw new MaskError('The mask PNG has no image data.');
  return png as Png;
}

const paeth = (a: number, b: number, c: number) => {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/**
 * Decodes blocks of filtered PNG rows into the gray rows of `out` (each a filter byte 0, then
 * `width` pixels): `gray[v]` for each pixel's byte at `at` (alpha, or the palette index). PNG
 * filters predict a byte from the same byte of the pixel to its left and of the one above, so
 * that one byte decodes on its own: a quarter of an RGBA row's work, two rows of it in memory.
 */
function grayRows(width: number, bpp: number, at: number, gray: Uint8Array, out: Uint8Array): (block: Uint8Array, firstRow: number) => void {
  const rowBytes = width * bpp + 1;
  let prev = new Uint8Array(width);
  let cur = new Uint8Array(width);
  return (block, firstRow) => {
    for (let r = 0; r * rowBytes < block.length; r++) {
      const filter = block[r * rowBytes]!;
      const o = r * rowBytes + 1 + at;
      const b = (firstRow + r) * (width + 1) + 1;
      // One loop per filter (not a switch per pixel), each writing the byte and its gray at once;
      // sums wrap mod 256, as PNG's do.
      if (filter === 0) for (let x = 0; x < width; x++) out[b + x] = gray[(cur[x] = block[o + x * bpp]!)]!;
      else if (filter === 1) for (let x = 0, v = 0; x < width; x++) out[b + x] = gray[(cur[x] = v = (block[o + x * bpp]! + v) & 255)]!;
      else if (filter === 2) for (let x = 0; x < width; x++) out[b + x] = gray[(cur[x] = (block[o + x * bpp]! + prev[x]!) & 255)]!;
      else if (filter === 3) for (let x = 0, v = 0; x < width; x++) out[b + x] = gray[(cur[x] = v = (block[o + x * bpp]! + ((v + prev[x]!) >> 1)) & 255)]!;
      else if (filter === 4) for (let x = 0, v = 0; x < width; x++) out[b + x] = gray[(cur[x] = v = (block[o + x * bpp]! + paeth(v, prev[x]!, x ? prev[x - 1]! : 0)) & 255)]!;
      else throw new MaskError('The mask PNG is corrupt (unknown row filter).');
      [prev, cur] = [cur, prev];
    }
  };
}

/** An 8-bit grayscale PNG from its rows (each a filter byte, then `width` bytes). */
async function grayPng(width: number, height: number, rows: Uint8Array): Promise<Uint8Array> {
  const idat = await through(rows, new CompressionStream('deflate'));
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const parts = [Uint8Array.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/**
 * The inpainting mask for an OpenAI mask: gray = 255 - alpha, so fully transparent pixels are
 * repainted and opaque ones kept. A PNG without transparency is taken as already being a
 * black-and-white inpainting mask and returned unchanged.
 */
export async function inpaintingMask(png: Uint8Array, image?: { width: number; height: number }): Promise<Uint8Array> {
  const { width, height, bitDepth, colorType, interlace, idat, trns } = parse(png);
  // OpenAI's rule (the mask has the image's dimensions) also bounds what the mask may inflate to.
  if (image && (width !== image.width || height !== image.height)) {
    throw new MaskError(`The mask is ${width}x${height}; it must have the same dimensions as the image (${image.width}x${image.height}).`);
  }
  const channels = CHANNELS[colorType];
  if (!channels) throw new MaskError(`The mask PNG has an invalid colour type (${colorType}).`);
  const hasAlpha = colorType === 4 || colorType === 6 || (colorType === 3 && trns !== undefined);
  if (!hasAlpha) return png;
  if (interlace !== 0) throw new MaskError('Interlaced PNG masks are not supported; save the mask without interlacing.');
  if (bitDepth !== 8 && !(bitDepth === 16 && colorType !== 3)) throw new MaskError(`${bitDepth}-bit PNG masks of this colour type are not supported; use an 8-bit RGBA PNG.`);
  if (width * height > MAX_PIXELS) throw new MaskError(`The mask is ${width}x${height}; masks may have at most ${MAX_PIXELS} pixels (2048x2048).`);
  const bpp = (channels * bitDepth) / 8;
  // What each pixel's byte at `at` (alpha, its high byte at 16 bits, or the palette index) makes: 255 - alpha.
  const at = colorType === 3 ? 0 : bpp - bitDepth / 8;
  const gray = Uint8Array.from({ length: 256 }, (_, v) => 255 - (colorType === 3 ? (trns![v] ?? 255) : v));
  const idatBytes = new Uint8Array(idat.reduce((n, c) => n + c.length, 0));
  idat.reduce((at, c) => (idatBytes.set(c, at), at + c.length), 0);
  // The output PNG's rows, filter byte 0 each, filled in as the mask's rows are decoded.
  const rows = new Uint8Array(height * (width + 1));
  // Dimensions and the pixel limit are checked above, before a byte is inflated.
  await inflateRows(idatBytes, width * bpp + 1, height, grayRows(width, bpp, at, gray, rows));
  return grayPng(width, height, rows);
}
