/**
 * OpenAI masks mark the area to edit by transparency (alpha 0 = repaint); Stable Diffusion
 * inpainting reads a grayscale mask, white = repaint. This converts the first into the second
 * with the PNG reader/writer it needs (8/16-bit, non-interlaced), using the runtime's zlib streams.
 */

import { settlesAtOnce, settlesByNextTimer } from './settled';

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

/** Deflate expands at most ~1032x: input fed in pieces of at most budget/1032 bytes cannot overshoot the budget by more than one 1 KiB piece's output. */
const MAX_RATIO = 1032;

/**
 * Inflates zlib `data`, handing the output to `sink` as it comes, and refuses it the moment it
 * gives more than `expected` bytes: a decompression bomb costs at most `expected` bytes of
 * inflating and never sits in memory whole (nothing here holds more than the inflater's last chunk).
 */
async function inflateCapped(data: Uint8Array, expected: number, sink: (chunk: Uint8Array) => void): Promise<void> {
  const ds = new DecompressionStream('deflate');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  let size = 0;
  let stopped = false;
  // workerd's inflater works through each written piece as it is written, whoever reads: fed
  // ahead, a bomb's 510 KiB would all inflate (512 MiB, most of a second) before the reader saw
  // the cap. So the next piece goes in only once the reader has taken what the last one gave.
  let wake: (() => void) | undefined;
  const feeding = (async () => {
    for (let at = 0; at < data.length && !stopped; ) {
      const piece = Math.min(64 * 1024, Math.max(1024, Math.floor((expected - size) / MAX_RATIO)));
      const taken = new Promise<void>((resolve) => (wake = resolve));
      await writer.write(data.subarray(at, (at += piece)));
      await taken;
    }
    if (!stopped) await writer.close();
  })().catch(() => undefined);
  try {
    for (;;) {
      const next = reader.read();
      // A read that settles neither at once nor by the next timer waits for input: caught up.
      if (wake && !(await settlesAtOnce(next)) && !(await settlesByNextTimer(next))) {
        const w = wake;
        wake = undefined;
        w();
      }
      const r = await next;
      if (r.done) break;
      if ((size += r.value.byteLength) > expected) throw new MaskError('The mask PNG holds more image data than its dimensions declare.');
      sink(r.value);
    }
  } catch (err) {
    stopped = true;
    wake?.();
    await Promise.all([reader.cancel().catch(() => undefined), writer.abort().catch(() => undefined)]);
    if (err instanceof MaskError) throw err;
    throw new MaskError('The mask PNG is corrupt (its image data does not decompress).');
  }
  await feeding;
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
 * Undoes PNG row filters one row at a time as the inflated bytes arrive (each row is its filter
 * byte then `stride` bytes), handing each decoded row to `row`: two rows in memory, never the image.
 */
function unfilter(stride: number, bpp: number, row: (line: Uint8Array, y: number) => void): (chunk: Uint8Array) => void {
  // Each buffer is a filter byte then the row; the previous row is the other buffer.
  let prev = new Uint8Array(stride + 1);
  let cur = new Uint8Array(stride + 1);
  let filled = 0;
  let y = 0;
  const decode = () => {
    const filter = cur[0]!;
    const line = cur.subarray(1);
    const above = prev.subarray(1);
    // One loop per filter (not a switch per byte): 2048x2048 RGBA is 16 M bytes.
    if (filter === 1) for (let i = bpp; i < stride; i++) line[i] = line[i]! + line[i - bpp]!;
    else if (filter === 2) for (let i = 0; i < stride; i++) line[i] = line[i]! + above[i]!;
    else if (filter === 3) for (let i = 0; i < stride; i++) line[i] = line[i]! + (((i >= bpp ? line[i - bpp]! : 0) + above[i]!) >> 1);
    else if (filter === 4) for (let i = 0; i < stride; i++) line[i] = line[i]! + (i >= bpp ? paeth(line[i - bpp]!, above[i]!, above[i - bpp]!) : above[i]!);
    else if (filter !== 0) throw new MaskError('The mask PNG is corrupt (unknown row filter).');
    row(line, y++);
    [prev, cur] = [cur, prev];
  };
  return (chunk) => {
    for (let at = 0; at < chunk.length; ) {
      const take = Math.min(chunk.length - at, stride + 1 - filled);
      cur.set(chunk.subarray(at, at + take), filled);
      at += take;
      if ((filled += take) === stride + 1) decode(), (filled = 0);
    }
  };
}

/** An 8-bit grayscale PNG of `pixels` (width * height bytes, no filter bytes). */
async function grayPng(width: number, height: number, pixels: Uint8Array): Promise<Uint8Array> {
  const rows = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) rows.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
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
  const stride = width * bpp;
  // Offset of the alpha byte (the high byte at 16 bits) within a pixel.
  const alphaAt = colorType === 3 ? -1 : bpp - bitDepth / 8;
  const idatBytes = new Uint8Array(idat.reduce((n, c) => n + c.length, 0));
  idat.reduce((at, c) => (idatBytes.set(c, at), at + c.length), 0);
  const gray = new Uint8Array(width * height);
  // Dimensions and the pixel limit are checked above, before a byte is inflated.
  await inflateCapped(idatBytes, height * (stride + 1), unfilter(stride, bpp, (line, y) => {
    const base = y * width;
    for (let x = 0; x < width; x++) {
      const alpha = alphaAt < 0 ? (trns![line[x]!] ?? 255) : line[x * bpp + alphaAt]!;
      gray[base + x] = 255 - alpha;
    }
  }));
  return grayPng(width, height, gray);
}
