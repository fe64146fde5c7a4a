/**
 * OpenAI masks mark the area to edit by transparency (alpha 0 = repaint); Stable Diffusion
 * inpainting reads a grayscale mask, white = repaint. This converts the first into the second
 * with the PNG reader/writer it needs (8/16-bit, non-interlaced), using the runtime's zlib streams.
 */

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

/** Input fed to the inflater this many bytes at a time: deflate expands at most ~1032x, so one piece yields ~1 MiB at most. */
const INFLATE_PIECE = 1024;

/**
 * Inflates zlib `data` into exactly `expected` bytes, refusing it the moment it would give more
 * (a decompression bomb stops at `expected` plus one piece's output, never at what it claims).
 */
async function inflateExactly(data: Uint8Array, expected: number): Promise<Uint8Array> {
  const out = new Uint8Array(expected);
  const ds = new DecompressionStream('deflate');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  let stopped = false;
  const feeding = (async () => {
    for (let at = 0; at < data.length && !stopped; at += INFLATE_PIECE) await writer.write(data.subarray(at, at + INFLATE_PIECE));
    if (!stopped) await writer.close();
  })().catch(() => undefined);
  let size = 0;
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      if (size + r.value.byteLength > expected) throw new MaskError('The mask PNG holds more image data than its dimensions declare.');
      out.set(r.value, size);
      size += r.value.byteLength;
    }
  } catch (err) {
    stopped = true;
    await Promise.all([reader.cancel().catch(() => undefined), writer.abort().catch(() => undefined)]);
    if (err instanceof MaskError) throw err;
    throw new MaskError('The mask PNG is corrupt (its image data does not decompress).');
  }
  await feeding;
  if (size !== expected) throw new MaskError('The mask PNG is truncated.');
  return out;
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

/** Undoes PNG row filters one row at a time, handing each decoded row to `row`. */
function unfilter(raw: Uint8Array, height: number, stride: number, bpp: number, row: (line: Uint8Array, y: number) => void): void {
  if (raw.length < height * (stride + 1)) throw new MaskError('The mask PNG is truncated.');
  let prev = new Uint8Array(stride);
  let cur = new Uint8Array(stride);
  for (let y = 0, p = 0; y < height; y++, p += stride + 1) {
    const filter = raw[p]!;
    const line = raw.subarray(p + 1, p + 1 + stride);
    for (let i = 0; i < stride; i++) {
      const left = i >= bpp ? cur[i - bpp]! : 0;
      const up = prev[i]!;
      const x = line[i]!;
      switch (filter) {
        case 0: cur[i] = x; break;
        case 1: cur[i] = x + left; break;
        case 2: cur[i] = x + up; break;
        case 3: cur[i] = x + ((left + up) >> 1); break;
        case 4: cur[i] = x + paeth(left, up, i >= bpp ? prev[i - bpp]! : 0); break;
        default: throw new MaskError('The mask PNG is corrupt (unknown row filter).');
      }
    }
    row(cur, y);
    [prev, cur] = [cur, prev];
  }
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
export async function inpaintingMask(png: Uint8Array): Promise<Uint8Array> {
  const { width, height, bitDepth, colorType, interlace, idat, trns } = parse(png);
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
  // Dimensions and the pixel limit are checked above, before a byte is inflated.
  const raw = await inflateExactly(idatBytes, height * (stride + 1));
  const gray = new Uint8Array(width * height);
  unfilter(raw, height, stride, bpp, (line, y) => {
    const base = y * width;
    for (let x = 0; x < width; x++) {
      const alpha = alphaAt < 0 ? (trns![line[x]!] ?? 255) : line[x * bpp + alphaAt]!;
      gray[base + x] = 255 - alpha;
    }
  });
  return grayPng(width, height, gray);
}
