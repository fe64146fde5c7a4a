/**
 * Text-to-Image models differ in how they are called (JSON or multipart), what they return
 * (base64 JSON or raw bytes) and what they can do (a prompt alone, or only with an input image).
 * This module decides that per model: a built-in table for the models known today, the model's
 * JSON schema (GET /ai/models/schema, cached by the catalog) for any other, and its name when
 * no schema is reachable (the binding has no schema endpoint).
 */
import { num } from '../../lib/json';
import type { Protocol, SchemaSource, TaskClassifier } from './protocols';
import type { CatalogModel, ModelSchema } from '../upstream';

/** image: img2img (one image + prompt); mask: inpainting (image + mask); references: FLUX.2 (1-4 images + prompt). */
export type EditMode = 'image' | 'mask' | 'references';

export interface ImageProfile {
  /** json: `{prompt, width, height, ...}`; multipart: `{multipart: {body, contentType}}` (FLUX.2). */
  input: 'json' | 'multipart';
  /** A prompt alone makes an image: serves /v1/images/generations. */
  generates: boolean;
  /** Serves /v1/images/edits, and how. */
  edits?: EditMode;
  /** What the model returns; informative only, since the output is read by its shape. */
  output: 'base64' | 'binary';
  /** Accepted width/height in pixels; absent when the model takes no size. */
  size?: { min: number; max?: number };
  /** The size a model without size parameters always produces, when known. */
  fixedSize?: string;
  promptMax?: number;
  /** The steps a request that names none runs (the schema's `num_steps`/`steps` default): what a per-step price is billed for. */
  defaultSteps?: number;
  /** Most input images a `references` model takes. */
  maxImages?: number;
  /** Where this profile came from. */
  source: 'builtin' | 'schema' | 'name';
}

type Known = Omit<ImageProfile, 'source'>;

const SD: Known = { input: 'json', output: 'binary', generates: true, size: { min: 256, max: 2048 } };
// FLUX.2 form fields (Cloudflare's launch notes): prompt, width/height 256-1920, input_image_0..3.
const FLUX2: Known = { input: 'multipart', output: 'base64', generates: true, edits: 'references', size: { min: 256, max: 1920 }, maxImages: 4 };

/** Written from the published schemas; for img2img and inpainting those list a prompt as the only required field, so the schema alone cannot tell them apart from SDXL. */
const BUILTIN: Readonly<Record<string, Known>> = {
  '@cf/black-forest-labs/flux-1-schnell': { input: 'json', output: 'base64', generates: true, fixedSize: '1024x1024', promptMax: 2048 },
  '@cf/leonardo/lucid-origin': { input: 'json', output: 'base64', generates: true, size: { min: 1, max: 2500 } },
  // defaultSteps: the published schema's num_steps default, on the models priced per step.
  '@cf/leonardo/phoenix-1.0': { input: 'json', output: 'binary', generates: true, size: { min: 1, max: 2048 }, defaultSteps: 25 },
  '@cf/stabilityai/stable-diffusion-xl-base-1.0': SD,
  '@cf/bytedance/stable-diffusion-xl-lightning': { ...SD, defaultSteps: 20 },
  '@cf/lykon/dreamshaper-8-lcm': SD,
  '@cf/runwayml/stable-diffusion-v1-5-img2img': { ...SD, generates: false, edits: 'image' },
  '@cf/runwayml/stable-diffusion-v1-5-inpainting': { ...SD, generates: false, edits: 'mask', defaultSteps: 20 },
  '@cf/black-forest-labs/flux-2-dev': FLUX2,
  '@cf/black-forest-labs/flux-2-klein-4b': FLUX2,
  '@cf/black-forest-labs/flux-2-klein-9b': FLUX2,
};

export const DEFAULT_IMG2IMG_MODEL = '@cf/runwayml/stable-diffusion-v1-5-img2img';
export const DEFAULT_INPAINTING_MODEL = '@cf/runwayml/stable-diffusion-v1-5-inpainting';

const NEEDS_MASK = /inpaint/i;
const NEEDS_IMAGE = /img2img|image-to-image|\bi2i\b/i;
const NOT_GENERATION = /upscal|super-?res|esrgan|remove-?bg|background-remov|depth|segment|restor|colori[sz]/i;

type Json = Record<string, unknown>;
const obj = (x: unknown): Json => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Json) : {});

export function builtinImageProfile(id: string): ImageProfile | undefined {
  const known = BUILTIN[id];
  return known && { ...known, source: 'builtin' };
}

/** Roles a model's name reveals whatever its schema says (see BUILTIN). */
function roleByName(id: string, needsImage: boolean, needsMask: boolean): Pick<ImageProfile, 'generates' | 'edits'> {
  if (NOT_GENERATION.test(id)) return { generates: false };
  if (needsMask || NEEDS_MASK.test(id)) return { generates: false, edits: 'mask' };
  if (needsImage || NEEDS_IMAGE.test(id)) return { generates: false, edits: 'image' };
  return { generates: true };
}

export function profileFromSchema(id: string, schema: ModelSchema): ImageProfile {
  const input = obj(schema.input);
  const props = obj(input.properties);
  const required = Array.isArray(input.required) ? input.required : [];
  const output = obj(schema.output);
  const binary = typeof output.contentType === 'string' && output.contentType.startsWith('image/');
  if ('multipart' in props || required.includes('multipart')) {
    return { input: 'multipart', output: 'base64', generates: !NOT_GENERATION.test(id), ...(/flux-2/i.test(id) && { edits: 'references' as const, maxImages: 4 }), size: { min: 1 }, source: 'schema' };
  }
  if (!('prompt' in props) && !required.includes('prompt')) return { input: 'json', output: binary ? 'binary' : 'base64', generates: false, source: 'schema' };
  const width = obj(props.width);
  const height = obj(props.height);
  const maxes = [num(width.maximum), num(height.maximum)].filter((n) => n !== undefined);
  return {
    input: 'json',
    output: binary ? 'binary' : 'base64',
    ...roleByName(id, required.includes('image') || required.includes('image_b64'), required.includes('mask')),
    ...('width' in props && { size: { min: Math.max(1, num(width.minimum) ?? 1, num(height.minimum) ?? 1), ...(maxes.length && { max: Math.min(...maxes) }) } }),
    ...(num(obj(props.prompt).maxLength) && { promptMax: num(obj(props.prompt).maxLength) }),
    ...(defaultSteps(props) !== undefined && { defaultSteps: defaultSteps(props) }),
    source: 'schema',
  };
}

const defaultSteps = (props: Json): number | undefined => num(obj(props.num_steps).default) ?? num(obj(props.steps).default);

/** No table entry and no schema: judge by the name, and let the upstream judge sizes. */
export function profileFromName(id: string): ImageProfile {
  if (/flux-2/i.test(id)) return { ...FLUX2, source: 'name' };
  return { input: 'json', output: 'binary', ...roleByName(id, false, false), size: { min: 1 }, source: 'name' };
}

export async function imageProfile(catalog: SchemaSource, id: string): Promise<ImageProfile> {
  const known = builtinImageProfile(id);
  if (known) return known;
  const schema = await catalog.schema(id);
  return schema ? profileFromSchema(id, schema) : profileFromName(id);
}

export function imageProtocols(profile: ImageProfile): Protocol[] {
  const served: Protocol[] = [];
  if (profile.generates) served.push('openai-images');
  if (profile.edits) served.push('openai-image-edits');
  return served;
}

/** The catalog's hook for Text-to-Image models (see TASK_CLASSIFIERS in ./catalog). */
export const imageClassifier: TaskClassifier = {
  async protocols(model: CatalogModel, catalog: SchemaSource): Promise<readonly Protocol[]> {
    return imageProtocols(await imageProfile(catalog, model.name));
  },
  async unsupported(model: CatalogModel, protocol: Protocol, requested: string, catalog: SchemaSource): Promise<string | undefined> {
    return whyNot(await imageProfile(catalog, model.name), requested, protocol);
  },
};

export function whyNot(profile: ImageProfile, requested: string, protocol: Protocol): string | undefined {
  if (protocol === 'openai-images' && !profile.generates) {
    if (profile.edits === 'mask') return `The model \`${requested}\` is an inpainting model: it needs an image and a mask, so use it with /v1/images/edits.`;
    if (profile.edits) return `The model \`${requested}\` transforms an input image: use it with /v1/images/edits.`;
    return `The model \`${requested}\` does not make images from a prompt (it takes an image, e.g. an upscaler), so it cannot be used with /v1/images/generations.`;
  }
  if (protocol === 'openai-image-edits' && !profile.edits) {
    return `The model \`${requested}\` cannot edit images. Image edits need an img2img model (${DEFAULT_IMG2IMG_MODEL}), an inpainting model (${DEFAULT_INPAINTING_MODEL}) or a FLUX.2 model (@cf/black-forest-labs/flux-2-klein-4b).`;
  }
  return undefined;
}
