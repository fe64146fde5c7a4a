/** Image fixtures: a catalog of every Text-to-Image family, real PNG/JPEG bytes, and a fake binding answering in each model's real output shape. */
import { png } from '../../src/dev/emulator';
import type { CatalogModel } from '../../src/services/upstream/types';
import { TEST_CATALOG } from './catalog';
import { fakeAI } from './fake-ai';

export { png };

let n = 0;
const t2i = (name: string): CatalogModel => ({
  id: `00000000-0000-4000-9000-${String(++n).padStart(12, '0')}`,
  name,
  description: `${name} (test catalog)`,
  task: { id: 'task-t2i', name: 'Text-to-Image', description: 'Text-to-Image' },
  created_at: '2024-02-27 12:00:00.000',
  properties: [],
});

export const SCHNELL = '@cf/black-forest-labs/flux-1-schnell';
export const SDXL = '@cf/stabilityai/stable-diffusion-xl-base-1.0';
export const DREAMSHAPER = '@cf/lykon/dreamshaper-8-lcm';
export const LIGHTNING = '@cf/bytedance/stable-diffusion-xl-lightning';
export const PHOENIX = '@cf/leonardo/phoenix-1.0';
export const LUCID = '@cf/leonardo/lucid-origin';
export const KLEIN = '@cf/black-forest-labs/flux-2-klein-4b';
export const FLUX2_DEV = '@cf/black-forest-labs/flux-2-dev';
export const IMG2IMG = '@cf/runwayml/stable-diffusion-v1-5-img2img';
export const INPAINT = '@cf/runwayml/stable-diffusion-v1-5-inpainting';
/** Not in the built-in table: classified by its schema, or by its name without one. */
export const UPSCALER = '@cf/acme/esrgan-upscaler';
export const NEWCOMER = '@cf/acme/new-diffusion';

/** TEST_CATALOG (schnell included) plus one model of every other image family. */
export const IMAGE_CATALOG: CatalogModel[] = [
  ...TEST_CATALOG,
  ...[SDXL, DREAMSHAPER, LIGHTNING, PHOENIX, LUCID, KLEIN, FLUX2_DEV, IMG2IMG, INPAINT, UPSCALER, NEWCOMER].map(t2i),
];

/** An 8x8 baseline JPEG. */
export const JPEG_B64 =
  '/9j/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAAIAAgDAREAAhEBAxEB/8QAFAABAAAAAAAAAAAAAAAAAAAABf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/xAAUAQEAAAAAAAAAAAAAAAAAAAAH/8QAFBEBAAAAAAAAAAAAAAAAAAAAAP/aAAwDAQACEQMRAD8ATNoqf//Z';
export const b64bytes = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
export const JPEG = b64bytes(JPEG_B64);

export const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
export const JPEG_MAGIC = [0xff, 0xd8, 0xff];
export const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);

/** Width and height from a PNG's IHDR. */
export function pngSize(bytes: Uint8Array): string {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return `${dv.getUint32(16)}x${dv.getUint32(20)}`;
}

/** Bytes as a ReadableStream in small chunks, as the binding hands out binary outputs. */
export function byteStream(bytes: Uint8Array, chunk = 997): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

const BASE64_MODELS = new Set([SCHNELL, LUCID, KLEIN, FLUX2_DEV]);

/**
 * The binding's answer for each family: `{image: base64 JPEG}` (FLUX.1/FLUX.2, Lucid Origin), a
 * ReadableStream of JPEG bytes (Phoenix), else a ReadableStream of a PNG of the requested size
 * (Stable Diffusion family; 64x64 when no size is sent, to keep the tests light).
 */
export function imageAnswer(model: string, inputs: Record<string, any>): unknown {
  if (BASE64_MODELS.has(model)) return { image: JPEG_B64 };
  if (model === PHOENIX) return byteStream(JPEG);
  return byteStream(png(inputs.width ?? 64, inputs.height ?? 64, [200, 100, 50]));
}

export const imageAI = (handler: (model: string, inputs: Record<string, any>) => unknown = imageAnswer) => fakeAI(handler, IMAGE_CATALOG);

/** The bytes of an image in an ImagesResponse item (b64_json or a data: URL). */
export function bytesOfItem(item: { b64_json?: string; url?: string }): Uint8Array {
  if (item.b64_json) return b64bytes(item.b64_json);
  const match = /^data:(image\/[a-z]+);base64,(.+)$/.exec(item.url ?? '');
  if (!match) throw new Error(`not a data URL: ${item.url?.slice(0, 60)}`);
  return b64bytes(match[2]!);
}

/** A multipart body as the OpenAI SDKs send it to /v1/images/edits. */
export function editForm(fields: Record<string, string | number>, files: [string, Uint8Array, string][] = []): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, String(v));
  for (const [name, bytes, filename] of files) form.append(name, new File([bytes], filename, { type: filename.endsWith('.png') ? 'image/png' : 'image/jpeg' }));
  return form;
}

/**
 * An RGBA PNG whose alpha at (x, y) is `alpha(x, y)`, rows filtered with `filters[y % filters.length]`
 * (0 none, 1 sub, 2 up, 3 average, 4 paeth), so decoding meets every filter a real encoder uses.
 */
export async function rgbaPng(width: number, height: number, alpha: (x: number, y: number) => number, filters = [0, 1, 2, 3, 4]): Promise<Uint8Array> {
  const stride = width * 4;
  const rows: Uint8Array[] = [];
  for (let y = 0; y < height; y++) {
    const row = new Uint8Array(stride);
    for (let x = 0; x < width; x++) row.set([(x * 37) & 255, (y * 91) & 255, (x + y) & 255, alpha(x, y)], x * 4);
    rows.push(row);
  }
  const paeth = (a: number, b: number, c: number) => {
    const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  };
  const raw = new Uint8Array(height * (stride + 1));
  rows.forEach((row, y) => {
    const f = filters[y % filters.length]!;
    const prev = rows[y - 1] ?? new Uint8Array(stride);
    raw[y * (stride + 1)] = f;
    for (let i = 0; i < stride; i++) {
      const left = i >= 4 ? row[i - 4]! : 0, up = prev[i]!, ul = i >= 4 ? prev[i - 4]! : 0;
      const pred = f === 0 ? 0 : f === 1 ? left : f === 2 ? up : f === 3 ? (left + up) >> 1 : paeth(left, up, ul);
      raw[y * (stride + 1) + 1 + i] = (row[i]! - pred) & 255;
    }
  });
  const idat = new Uint8Array(await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer());
  return pngFile(width, height, 6, idat);
}

/** A PNG file from its IHDR fields and compressed image data (CRCs left zero: readers here do not check them). */
export function pngFile(width: number, height: number, colorType: number, idat: Uint8Array, bitDepth = 8, interlace = 0): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    new DataView(out.buffer).setUint32(0, data.length);
    out.set([...type].map((c) => c.charCodeAt(0)), 4);
    out.set(data, 8);
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([bitDepth, colorType, 0, 0, interlace], 8);
  const parts = [Uint8Array.from(PNG_MAGIC), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
}

/** The 8-bit grayscale pixels of a PNG written by the proxy (filter 0 rows). */
export async function grayPixels(bytes: Uint8Array): Promise<{ size: string; pixels: Uint8Array; colorType: number }> {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = dv.getUint32(16), height = dv.getUint32(20), colorType = bytes[25]!;
  const idat: number[] = [];
  for (let at = 8; at < bytes.length; ) {
    const len = dv.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (type === 'IDAT') idat.push(...bytes.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = new Uint8Array(await new Response(new Blob([Uint8Array.from(idat)]).stream().pipeThrough(new DecompressionStream('deflate'))).arrayBuffer());
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    if (raw[y * (width + 1)] !== 0) throw new Error('expected filter 0 rows');
    pixels.set(raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)), y * width);
  }
  return { size: `${width}x${height}`, pixels, colorType };
}
