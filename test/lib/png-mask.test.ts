import { afterEach, describe, expect, it, vi } from 'vitest';
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

const deflate = async (raw: Uint8Array) => new Uint8Array(await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream('deflate'))).arrayBuffer());

/**
 * A PNG of any colour type whose rows are filtered in turn with none, sub, up, average and paeth
 * over `pixel`'s bytes (bpp bytes a pixel), as an encoder would: every byte of a pixel varies, so
 * a decoder that mixes a pixel's bytes up gets the alpha wrong.
 */
async function filteredPng(width: number, height: number, colorType: number, bitDepth: number, pixel: (x: number, y: number) => number[], extra: Uint8Array = new Uint8Array(0)) {
  const bpp = pixel(0, 0).length;
  const stride = width * bpp;
  const rows = Array.from({ length: height }, (_, y) => Uint8Array.from(Array.from({ length: width }, (_, x) => pixel(x, y)).flat()));
  const paeth = (a: number, b: number, c: number) => {
    const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  };
  const raw = new Uint8Array(height * (stride + 1));
  rows.forEach((row, y) => {
    const f = y % 5;
    const prev = rows[y - 1] ?? new Uint8Array(stride);
    raw[y * (stride + 1)] = f;
    for (let i = 0; i < stride; i++) {
      const left = i >= bpp ? row[i - bpp]! : 0, up = prev[i]!, ul = i >= bpp ? prev[i - bpp]! : 0;
      const pred = [0, left, up, (left + up) >> 1, paeth(left, up, ul)][f]!;
      raw[y * (stride + 1) + 1 + i] = (row[i]! - pred) & 255;
    }
  });
  const file = pngFile(width, height, colorType, await deflate(raw), bitDepth);
  return new Uint8Array([...file.subarray(0, 33), ...extra, ...file.subarray(33)]);
}

/** A 2048x2048 RGBA PNG header on the bomb's 510 KiB of zlib data, which inflate to 512 MiB. */
async function bomb(width = 2048, height = 2048) {
  const packed = Uint8Array.from(atob(BOMB_IDAT_DEFLATED), (c) => c.charCodeAt(0));
  const idat = new Uint8Array(await new Response(new Blob([packed]).stream().pipeThrough(new DecompressionStream('deflate'))).arrayBuffer());
  return pngFile(width, height, 6, idat);
}

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

  it('decodes the alpha of every colour type through every row filter, whatever the other bytes hold', async () => {
    // Only the alpha byte (its high byte at 16 bits, or the palette index) is decoded: the other
    // bytes change at every pixel so that reading a wrong byte, or a wrong neighbour, shows.
    const alpha = (x: number, y: number) => (x * 37 + y * 11 + ((x * y) >> 2)) & 255;
    const noise = (x: number, y: number, k: number) => (x * 71 + y * 13 + k * 101) & 255;
    const cases: [string, number, number, (x: number, y: number) => number[]][] = [
      ['gray+alpha 8-bit', 4, 8, (x, y) => [noise(x, y, 1), alpha(x, y)]],
      ['RGBA 16-bit', 6, 16, (x, y) => [1, 2, 3, 4, noise(x, y, 1), noise(x, y, 2), alpha(x, y), noise(x, y, 3)]],
      ['gray+alpha 16-bit', 4, 16, (x, y) => [noise(x, y, 1), noise(x, y, 2), alpha(x, y), noise(x, y, 3)]],
    ];
    for (const [name, colorType, bitDepth, pixel] of cases) {
      const mask = await grayPixels(await inpaintingMask(await filteredPng(19, 10, colorType, bitDepth, pixel), { width: 19, height: 10 }));
      const want = Array.from({ length: 190 }, (_, i) => 255 - alpha(i % 19, Math.floor(i / 19)));
      expect([...mask.pixels], name).toEqual(want);
    }
    // Palette: index i has alpha trns[i] (here 255 - 9i), indices past the table are opaque.
    const trns = Array.from({ length: 20 }, (_, i) => 255 - 9 * i);
    const index = (x: number, y: number) => (x * 7 + y * 3) % 24;
    const palette = await filteredPng(19, 10, 3, 8, (x, y) => [index(x, y)], new Uint8Array([...chunk('PLTE', Array(72).fill(0)), ...chunk('tRNS', trns)]));
    const mask = await grayPixels(await inpaintingMask(palette));
    expect([...mask.pixels]).toEqual(Array.from({ length: 190 }, (_, i) => 255 - (trns[index(i % 19, Math.floor(i / 19))] ?? 255)));
  });

  it('decodes rows longer than one read of inflated data (a 300000x3 mask)', async () => {
    const alpha = (x: number, y: number) => ((x >> 5) + y) & 1 ? 255 : (x * 3) & 255;
    const mask = await grayPixels(await inpaintingMask(await rgbaPng(300_000, 3, alpha, [0, 2, 4]), { width: 300_000, height: 3 }));
    for (let y = 0; y < 3; y++) for (let x = 0; x < 300_000; x += 997) expect(mask.pixels[y * 300_000 + x]).toBe(255 - alpha(x, y));
    expect(mask.pixels[3 * 300_000 - 1]).toBe(255 - alpha(299_999, 2));
  });

  it('holds image data to exactly the size its header declares: one byte more or less is refused', async () => {
    // 8x4 RGBA: 4 rows of a filter byte and 32 bytes.
    const rows = new Uint8Array(4 * 33);
    expect((await grayPixels(await inpaintingMask(pngFile(8, 4, 6, await deflate(rows))))).pixels).toEqual(new Uint8Array(32).fill(255));
    await expect(inpaintingMask(pngFile(8, 4, 6, await deflate(new Uint8Array(4 * 33 + 1))))).rejects.toThrow(/more image data than its dimensions declare/);
    await expect(inpaintingMask(pngFile(8, 4, 6, await deflate(new Uint8Array(4 * 33 - 1))))).rejects.toThrow(/truncated/);
  });

  it('refuses a row with an unknown filter type, and stops the inflater', async () => {
    const rows = new Uint8Array(3 * 33);
    rows[33] = 5;
    await expect(inpaintingMask(pngFile(8, 3, 6, await deflate(rows)))).rejects.toThrow(/corrupt \(unknown row filter\)/);
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
    // 510 KiB that inflate to 512 MiB; 64x64 RGBA needs 64 * (64 * 4 + 1) = 16,448 bytes.
    await expect(inpaintingMask(await bomb(64, 64), { width: 64, height: 64 })).rejects.toThrow(/more image data than its dimensions declare/);
  });

  describe('how much of a bomb reaches the inflater', () => {
    afterEach(() => vi.unstubAllGlobals());

    it('a 2048x2048 bomb: only what 16 MiB of output needs (about 16 KiB of its 510 KiB), fed as the reader takes it', async () => {
      // workerd inflates whatever is written at once: a writer running ahead of the reader would
      // inflate all 512 MiB. Count what is written into the inflater.
      const Real = DecompressionStream;
      let written = 0;
      vi.stubGlobal('DecompressionStream', function (format: 'deflate') {
        const ds = new Real(format);
        const writer = ds.writable.getWriter();
        const writable = new WritableStream<Uint8Array>({
          write: (piece) => ((written += piece.byteLength), writer.write(piece)),
          close: () => writer.close(),
          abort: (reason) => writer.abort(reason),
        });
        return { readable: ds.readable, writable };
      });
      await expect(inpaintingMask(await bomb(), { width: 2048, height: 2048 })).rejects.toThrow(/more image data than its dimensions declare/);
      // 2048 * (2048 * 4 + 1) bytes at the bomb's 1029:1 are 16.3 KB; the rest is the pieces' rounding.
      expect(written).toBeGreaterThan(16_000);
      expect(written).toBeLessThan(40 * 1024);
    });
  });

  it('decodes a mask read in several blocks of rows (a 1000x300 mask: 1.2 MB of rows)', async () => {
    const alpha = (x: number, y: number) => ((x >> 3) + y) & 1 ? 255 : 0;
    const mask = await grayPixels(await inpaintingMask(await rgbaPng(1000, 300, alpha), { width: 1000, height: 300 }));
    expect(mask.size).toBe('1000x300');
    expect(mask.pixels).toEqual(Uint8Array.from({ length: 300_000 }, (_, i) => 255 - alpha(i % 1000, Math.floor(i / 1000))));
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
