/**
 * Image model classification (src/services/image-models.ts) and mask conversion
 * (src/services/png-mask.ts), below the HTTP layer.
 */
import { describe, expect, it } from 'vitest';
import { builtinImageProfile, profileFromName, profileFromSchema, type ImageProfile } from '../../../src/services/models/images';
import { inpaintingMask } from '../../../src/lib/png-mask';
import { FLUX2_DEV, IMG2IMG, INPAINT, KLEIN, LUCID, PHOENIX, SCHNELL, SDXL, grayPixels, pngFile, rgbaPng } from '../../support/images';

// The published input/output schemas (developers.cloudflare.com model pages), trimmed to what matters.
const size = (min: number, max: number) => ({ type: 'integer', minimum: min, maximum: max });
const SD_SCHEMA = {
  input: {
    type: 'object',
    properties: { prompt: { type: 'string', minLength: 1 }, height: size(256, 2048), width: size(256, 2048), image: { type: 'array' }, mask: { type: 'array' }, strength: { type: 'number' } },
    required: ['prompt'],
  },
  output: { type: 'string', contentType: 'image/png', format: 'binary' },
};
const PUBLISHED: Record<string, { input: object; output: object }> = {
  [SCHNELL]: {
    input: { type: 'object', properties: { prompt: { type: 'string', minLength: 1, maxLength: 2048 }, steps: { type: 'integer', maximum: 8 } }, required: ['prompt'], additionalProperties: false },
    output: { type: 'object', contentType: 'application/json', properties: { image: { type: 'string' } } },
  },
  [SDXL]: SD_SCHEMA,
  // img2img and inpainting publish the very same schema as SDXL: only their names tell them apart.
  [IMG2IMG]: SD_SCHEMA,
  [INPAINT]: SD_SCHEMA,
  [PHOENIX]: {
    input: { type: 'object', properties: { prompt: { type: 'string' }, height: size(0, 2048), width: size(0, 2048) }, required: ['prompt'] },
    output: { type: 'string', contentType: 'image/jpeg', format: 'binary' },
  },
  [LUCID]: {
    input: { type: 'object', properties: { prompt: { type: 'string' }, height: size(0, 2500), width: size(0, 2500) }, required: ['prompt'] },
    output: { type: 'object', contentType: 'application/json', properties: { image: { type: 'string' } } },
  },
  [KLEIN]: { input: { type: 'object', properties: { multipart: { type: 'object' } }, required: ['multipart'] }, output: { type: 'object', properties: { image: { type: 'string' } } } },
  [FLUX2_DEV]: { input: { type: 'object', properties: { multipart: { type: 'object' } }, required: ['multipart'] }, output: { type: 'object', properties: { image: { type: 'string' } } } },
};

const role = (p: ImageProfile) => ({ input: p.input, generates: p.generates, edits: p.edits, output: p.output });

describe('image model classification', () => {
  it.each(Object.keys(PUBLISHED))('the built-in entry for %s agrees with its published schema', (id) => {
    const builtin = builtinImageProfile(id)!;
    const fromSchema = profileFromSchema(id, PUBLISHED[id]!);
    expect(builtin.source).toBe('builtin');
    expect(fromSchema.source).toBe('schema');
    expect(role(fromSchema)).toEqual(role(builtin));
    // FLUX.2's schema hides its form fields, so only the table knows its size range.
    if (builtin.input === 'json') {
      expect(fromSchema.size).toEqual(builtin.size);
      expect(fromSchema.promptMax).toEqual(builtin.promptMax);
    }
  });

  it('a schema that requires an image, a mask, or takes no prompt is not a generator', () => {
    const needs = (required: string[], properties: object = { prompt: {}, image: {}, mask: {} }) =>
      profileFromSchema('@cf/acme/model', { input: { properties, required }, output: {} });
    expect(needs(['prompt', 'image'])).toMatchObject({ generates: false, edits: 'image' });
    expect(needs(['prompt', 'image', 'mask'])).toMatchObject({ generates: false, edits: 'mask' });
    expect(needs(['image'], { image: {}, scale: {} })).toMatchObject({ generates: false });
    expect(needs(['image'], { image: {}, scale: {} }).edits).toBeUndefined();
  });

  it('without a schema the name decides', () => {
    expect(profileFromName('@cf/acme/sd-img2img')).toMatchObject({ generates: false, edits: 'image', source: 'name' });
    expect(profileFromName('@cf/acme/sd-inpainting')).toMatchObject({ generates: false, edits: 'mask' });
    expect(profileFromName('@cf/acme/real-esrgan-x4-upscaler')).toMatchObject({ generates: false });
    expect(profileFromName('@cf/black-forest-labs/flux-2-pro')).toMatchObject({ input: 'multipart', generates: true, edits: 'references' });
    expect(profileFromName('@cf/acme/brand-new-diffusion')).toMatchObject({ input: 'json', generates: true });
  });
});

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
});
