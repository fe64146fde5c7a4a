/**
 * Image model classification (src/services/image-models.ts) and mask conversion
 * (src/services/png-mask.ts), below the HTTP layer.
 */
import { describe, expect, it } from 'vitest';
import { builtinImageProfile, profileFromName, profileFromSchema, type ImageProfile } from '../../../src/services/models/images';
import { FLUX2_DEV, IMG2IMG, INPAINT, KLEIN, LUCID, PHOENIX, SCHNELL, SDXL, } from '../../support/images';

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
