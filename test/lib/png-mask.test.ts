import { describe, expect, it } from 'vitest';
import { inpaintingMask } from '../../src/lib/png-mask';
import { BOMB_IDAT_DEFLATED } from '../fixtures/png-bomb';
import { grayPixels, pngFile, rgbaPng } from '../support/images';

/** A PNG of any colour type from raw pixel rows (filter 0), optionally with extra chunks before IDAT. */
async function rawPng(width: number, height: number, colorType: number, bitDepth: number, pixel: (x: number, y: number) => number[], extra: Uint8Array = new Uint8Array(0)) {
  const rows: number[] = [];
  for (let y = 0; y < height; y++) {
    rows.push(0);
    for (let x = 0; x < width; x++) rows.push(...pixel(x, y));
  }
  const idat = new Uint8Array(await new Response(new Blob([Uint8Array.from(rows)]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer());
  const file = pngFile(width, height, colorType, idat, bitDepth);
  return new Uint8Array([...file.subarray(0, 33), ...extra, ...file.subarray(33)]);
}
const chunk = (type: string, data: number[]) => Uint8Array.from([0, 0, 0, data.length, ...[...type].map((c) => c.charCodeAt(0)), ...data, 0, 0, 0, 0]);

describe('inpainting masks from OpenAI masks', () => {
  it('decodes every row filter (none, sub, up, average, paeth) exactly', async () => {
    const alpha = (x: number, y: number) => (x * 13 + y * 29) & 255;
    const mask = await grayPixels(await inpaintingMask(await rgbaPng(23, 11, alpha)));
    expect(mask.size).toBe('23x11');
    for (let y = 0; y < 11; y++) for (let x = 0; x < 23; x++) expect(mask.pixels[y * 23 + x]).toBe(255 - alpha(x, y));
  });

  it('reads gray+alpha, 16-bit RGBA and palette+tRNS masks', async () => {
    const grayAlpha = await rawPng(4, 2, 4, 8, (x) => [77, x * 60]);
    expect([...(await grayPixels(await inpaintingMask(grayAlpha))).pixels]).toEqual([255, 195, 135, 75, 255, 195, 135, 75]);
    // 16-bit: the alpha's high byte counts.
    const rgba16 = await rawPng(2, 1, 6, 16, (x) => [1, 2, 3, 4, 5, 6, x ? 0x80 : 0, 0xff]);
    expect([...(await grayPixels(await inpaintingMask(rgba16))).pixels]).toEqual([255, 127]);
    // Palette entry 0 transparent, 1 opaque, 2 beyond the tRNS table (opaque).
    const plte = chunk('PLTE', [0, 0, 0, 255, 255, 255, 9, 9, 9]);
    const trns = chunk('tRNS', [0, 255]);
    const palette = await rawPng(3, 1, 3, 8, (x) => [x], new Uint8Array([...plte, ...trns]));
    expect([...(await grayPixels(await inpaintingMask(palette))).pixels]).toEqual([255, 0, 0]);
  });

  it('refuses masks larger than 2048x2048 before decoding them', async () => {
    const huge = pngFile(4096, 4096, 6, new Uint8Array([1]));
    await expect(inpaintingMask(huge)).rejects.toThrow(/at most 4194304 pixels/);
  });

  it("refuses a mask of other dimensions than the image from its header, before inflating", async () => {
    // IDAT bytes that are not zlib at all: reaching the inflater would say "corrupt" instead.
    const mask = pngFile(2048, 2048, 6, new Uint8Array([1, 2, 3]));
    await expect(inpaintingMask(mask, { width: 512, height: 512 })).rejects.toThrow(/The mask is 2048x2048; it must have the same dimensions as the image \(512x512\)/);
    await expect(inpaintingMask(mask, { width: 2048, height: 2048 })).rejects.toThrow(/corrupt/);
  });

  it('stops inflating a bomb once it passes what the dimensions need', async () => {
    const packed = Uint8Array.from(atob(BOMB_IDAT_DEFLATED), (c) => c.charCodeAt(0));
    const idat = new Uint8Array(await new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream('deflate'))).arrayBuffer());
    // 510 KiB that inflate to 512 MiB; 64x64 RGBA needs 64 * (64 * 4 + 1) = 16,448 bytes.
    await expect(inpaintingMask(pngFile(64, 64, 6, idat), { width: 64, height: 64 })).rejects.toThrow(/more image data than its dimensions declare/);
  });

  it('decodes a mask whose rows arrive split across inflate chunks (a 1000x300 mask)', async () => {
    const alpha = (x: number, y: number) => ((x >> 3) + y) & 1 ? 255 : 0;
    const mask = await grayPixels(await inpaintingMask(await rgbaPng(1000, 300, alpha), { width: 1000, height: 300 }));
    expect(mask.size).toBe('1000x300');
    for (const [x, y] of [[0, 0], [999, 0], [8, 0], [0, 299], [517, 123], [999, 299]] as const) expect(mask.pixels[y * 1000 + x]).toBe(255 - alpha(x, y));
  });

  it('refuses truncated image data', async () => {
    const full = await rgbaPng(32, 32, () => 0, [0]);
    const ok = await inpaintingMask(full);
    expect(ok.length).toBeGreaterThan(0);
    // The same image's rows for only 16 of the 32 declared lines.
    const half = await rgbaPng(32, 16, () => 0, [0]);
    const dv = new DataView(half.buffer, half.byteOffset);
    dv.setUint32(20, 32);
    await expect(inpaintingMask(half)).rejects.toThrow(/truncated/);
  });
});
