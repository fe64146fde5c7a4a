import { invalidValue, modelNotSupported, unsupportedParameter } from '../../errors';
import type { ImageEditRequest, ImageGenerationRequest } from '../../schemas/images';
import type { Protocol } from '../models/protocols';
import { OUTPUT_FORMAT, readImageOutput, sniffImage, type ImageData } from './data';
import { DEFAULT_IMG2IMG_MODEL, DEFAULT_INPAINTING_MODEL, imageProfile, whyNot, type ImageProfile } from '../models/images';
import type { Services } from '../index';
import { MaskError, inpaintingMask } from '../../lib/png-mask';
import { imageSize } from '../../lib/sniff';
import { upstreamCall } from '../upstream/errors';
import { charge, costFor, sumCosts, tilesOf, type Cost } from '../billing';
import type { CatalogModel } from '../upstream';

export interface ImagesResponse {
  created: number;
  data: ({ b64_json: string } | { url: string })[];
  output_format?: 'png' | 'jpeg' | 'webp';
  /** Not OpenAI's (its `usage` is GPT-image tokens): USD and neurons from the catalog price, null when unknown. */
  cost?: number | null;
  neurons?: number | null;
}

export interface ImageContext {
  /** Absolute URL of GET /v1/images/files/, for stored images. */
  filesUrl: string;
  signal?: AbortSignal;
}

interface Size {
  width: number;
  height: number;
}

interface ImageModel {
  requested: string;
  id: string;
  profile: ImageProfile;
  entry?: CatalogModel;
}

/** Uploads sent to img2img/inpainting travel as JSON arrays of numbers (about 4x their size): keep them small. */
const MAX_ARRAY_IMAGE_BYTES = 4 * 1024 * 1024;
/** Workers AI's img2img default strength (1) discards the input image; these keep it recognisable. */
const IMG2IMG_STRENGTH = { high: 0.5, low: 0.8, default: 0.8 } as const;

const invalid = (param: string, message: string) => invalidValue(param, message);

type Common = Pick<ImageGenerationRequest, 'stream' | 'background' | 'n' | 'prompt' | 'size' | 'response_format' | 'model'>;

function rejectUnsupported(req: Common): void {
  if (req.stream) throw unsupportedParameter('stream', 'Streaming image generation (stream: true) is not supported by this proxy.');
  if (req.background === 'transparent') throw unsupportedParameter('background', 'Transparent backgrounds are not supported: Workers AI image models draw opaque images.');
}

function imageCount(services: Services, n: number | null | undefined): number {
  const count = n ?? 1;
  const max = services.config.maxImageCount;
  if (count > max) throw invalid('n', `This proxy makes at most ${max} image${max === 1 ? '' : 's'} per request (MAX_IMAGE_COUNT); got n=${count}.`);
  return count;
}

async function resolveModel(services: Services, requested: string, protocol: Protocol): Promise<ImageModel> {
  const model = await services.catalog.resolve(requested, protocol);
  const profile = await imageProfile(services.catalog, model.id);
  // Without a catalog entry (catalog unreachable) resolve() could not check the model; the profile can.
  const why = model.entry ? undefined : whyNot(profile, requested, protocol);
  if (why) throw modelNotSupported(why);
  return { requested, id: model.id, profile, entry: model.entry };
}

/**
 * What `n` images cost: output tiles from the size sent (or the model's fixed size), input tiles
 * from the uploads' sizes when known. Steps are the model's own default (the proxy sends none),
 * from its schema: a model priced per step without a known default has a null cost, not a guess.
 */
function billImages(services: Services, model: ImageModel, n: number, size: Size | undefined): Cost {
  const fixed = model.profile.fixedSize ? parseSize(model.profile.fixedSize) : undefined;
  const out = size ?? fixed;
  const one = costFor(model.entry, { tiles: out && tilesOf(out.width, out.height), steps: model.profile.defaultSteps });
  const total = sumCosts(Array.from({ length: n }, () => one));
  charge(services, model.id, total);
  return total;
}

function checkPrompt(model: ImageModel, prompt: string): void {
  const max = model.profile.promptMax;
  if (max && prompt.length > max) throw invalid('prompt', `The prompt is too long for the model \`${model.requested}\`: at most ${max} characters, got ${prompt.length}.`);
}

function parseSize(raw: string): Size | undefined {
  const value = raw.trim().toLowerCase();
  if (value === 'auto') return undefined;
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(value);
  if (!match || Number(match[1]) === 0 || Number(match[2]) === 0) {
    throw invalid('size', `Invalid value for 'size': expected WIDTHxHEIGHT (for example 1024x1024) or auto, got "${raw}".`);
  }
  return { width: Number(match[1]), height: Number(match[2]) };
}

const fits = (size: Size, range: { min: number; max?: number }) =>
  [size.width, size.height].every((v) => v >= range.min && (range.max === undefined || v <= range.max));

/** width/height to send, within the model's limits; undefined = leave it to the model. */
function chooseSize(model: ImageModel, raw: string | null | undefined, fallback: Size | undefined): Size | undefined {
  const { profile, requested } = model;
  const asked = raw == null ? undefined : parseSize(raw);
  if (!asked) return fallback && profile.size && fits(fallback, profile.size) ? fallback : undefined;
  const text = `${asked.width}x${asked.height}`;
  if (!profile.size) {
    if (profile.fixedSize === text) return undefined;
    throw invalid(
      'size',
      profile.fixedSize
        ? `Invalid value for 'size': the model \`${requested}\` only makes ${profile.fixedSize} images (got ${text}); send size ${profile.fixedSize} or auto.`
        : `Invalid value for 'size': the model \`${requested}\` takes no size (got ${text}); send size auto or leave it out.`,
    );
  }
  if (!fits(asked, profile.size)) {
    const { min, max } = profile.size;
    const range = max === undefined ? `at least ${min}` : `from ${min} to ${max}`;
    throw invalid('size', `Invalid value for 'size': the model \`${requested}\` makes images ${range} pixels wide and high; ${text} is outside that range.`);
  }
  return asked;
}

/** FLUX.2 input: the binding takes a multipart body and its content type (REST posts them as is). */
function multipart(fields: [string, string | Blob][]): { multipart: { body: ReadableStream<Uint8Array>; contentType: string } } {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  // Response serialises the form and picks the boundary, which the content type must carry.
  const encoded = new Response(form);
  return { multipart: { body: encoded.body!, contentType: encoded.headers.get('content-type')! } };
}

const sizeFields = (size: Size | undefined): [string, string][] => (size ? [['width', String(size.width)], ['height', String(size.height)]] : []);

/** Runs the model `n` times at once; the first failure cancels the rest and answers the request. */
async function runAll(services: Services, model: ImageModel, n: number, inputs: () => unknown, signal?: AbortSignal): Promise<ImageData[]> {
  const abort = new AbortController();
  const onAbort = () => abort.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort);
  try {
    return await Promise.all(
      Array.from({ length: n }, async () => {
        const out = await upstreamCall(model.id, () => services.upstream.run(model.id, inputs(), { signal: abort.signal }));
        return readImageOutput(out);
      }),
    );
  } catch (err) {
    abort.abort();
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function responseFormat(req: Common): 'url' | 'b64_json' {
  // GPT image models only ever answer in base64; clients that name them read b64_json.
  return req.response_format ?? (/^(gpt-image|chatgpt-image)/.test(req.model ?? '') ? 'b64_json' : 'url');
}

async function respond(services: Services, images: ImageData[], format: 'url' | 'b64_json', ctx: ImageContext): Promise<ImagesResponse> {
  const store = services.images;
  const data = await Promise.all(
    images.map(async (image) => {
      if (format === 'b64_json') return { b64_json: image.base64 };
      if (store) return { url: ctx.filesUrl + (await store.put(image)) };
      return { url: `data:${image.mime};base64,${image.base64}` };
    }),
  );
  const formats = new Set(images.map((i) => OUTPUT_FORMAT[i.mime]));
  const [only] = formats;
  return { created: Math.floor(Date.now() / 1000), data, ...(formats.size === 1 && only && { output_format: only }) };
}

/** POST /v1/images/generations: a prompt (and optionally a size) to `n` images. */
export async function createImages(services: Services, req: ImageGenerationRequest, ctx: ImageContext): Promise<ImagesResponse> {
  rejectUnsupported(req);
  const n = imageCount(services, req.n);
  const model = await resolveModel(services, req.model ?? services.config.defaultImageModel, 'openai-images');
  checkPrompt(model, req.prompt);
  const size = chooseSize(model, req.size, services.config.defaultImageSize);
  const inputs =
    model.profile.input === 'multipart'
      ? () => multipart([['prompt', req.prompt], ...sizeFields(size)])
      : () => ({ prompt: req.prompt, ...(size && { width: size.width, height: size.height }) });
  const images = await runAll(services, model, n, inputs, ctx.signal);
  return { ...(await respond(services, images, responseFormat(req), ctx)), ...billImages(services, model, n, size) };
}

interface Upload {
  bytes: Uint8Array;
  mime: string;
}

async function readUpload(file: File, param: string, limit: number | undefined): Promise<Upload> {
  if (limit !== undefined && file.size > limit) {
    throw invalid(param, `'${param}' is ${file.size} bytes; this model takes images of at most ${limit} bytes (4 MiB).`);
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const mime = sniffImage(bytes);
  if (mime !== 'image/png' && mime !== 'image/jpeg' && mime !== 'image/webp') throw invalid(param, `'${param}' must be a PNG, JPEG or WebP image.`);
  return { bytes, mime };
}

async function readMask(file: File, image: Upload): Promise<Uint8Array> {
  const { bytes } = await readUpload(file, 'mask', MAX_ARRAY_IMAGE_BYTES);
  try {
    return await inpaintingMask(bytes, imageSize(image.bytes));
  } catch (err) {
    if (err instanceof MaskError) throw invalid('mask', err.message);
    throw err;
  }
}

/**
 * POST /v1/images/edits: img2img models take one image and the prompt, inpainting models an
 * image and a mask, FLUX.2 models up to four reference images.
 */
export async function editImages(services: Services, req: ImageEditRequest, ctx: ImageContext): Promise<ImagesResponse> {
  rejectUnsupported(req);
  const n = imageCount(services, req.n);
  const model = await resolveModel(services, req.model ?? (req.mask ? DEFAULT_INPAINTING_MODEL : DEFAULT_IMG2IMG_MODEL), 'openai-image-edits');
  const { profile, requested } = model;
  const mode = profile.edits!;
  checkPrompt(model, req.prompt);
  const count = req.images.length;
  if (mode === 'references') {
    const max = profile.maxImages ?? 4;
    if (count > max) throw invalid('image', `The model \`${requested}\` takes at most ${max} input images; got ${count}.`);
    if (req.strength != null) throw unsupportedParameter('strength', `The model \`${requested}\` has no strength setting; it uses the images as references.`);
  } else if (count > 1) {
    throw invalid('image', `The model \`${requested}\` edits one image at a time; got ${count}. FLUX.2 models (@cf/black-forest-labs/flux-2-klein-4b) take up to 4.`);
  }
  if (mode === 'mask' && !req.mask) throw invalid('mask', `The model \`${requested}\` is an inpainting model: send a mask (a PNG whose transparent areas mark what to repaint).`);
  if (mode !== 'mask' && req.mask) throw unsupportedParameter('mask', `The model \`${requested}\` cannot use a mask; masks need an inpainting model such as ${DEFAULT_INPAINTING_MODEL}.`);

  const limit = profile.input === 'json' ? MAX_ARRAY_IMAGE_BYTES : undefined;
  const uploads = await Promise.all(req.images.map((file, i) => readUpload(file, count > 1 ? `image[${i}]` : 'image', limit)));
  const size = chooseSize(model, req.size, undefined);
  let inputs: () => unknown;
  if (profile.input === 'multipart') {
    const images = uploads.map((u, i): [string, Blob] => [`input_image_${i}`, new Blob([u.bytes], { type: u.mime })]);
    inputs = () => multipart([['prompt', req.prompt], ...sizeFields(size), ...images]);
  } else {
    const mask = req.mask && (await readMask(req.mask, uploads[0]!));
    const strength = req.strength ?? (mode === 'image' ? IMG2IMG_STRENGTH[req.input_fidelity ?? 'default'] : undefined);
    // The image models' schemas take bytes as arrays of 0-255 numbers.
    const body = {
      prompt: req.prompt,
      image: Array.from(uploads[0]!.bytes),
      ...(mask && { mask: Array.from(mask) }),
      ...(strength !== undefined && { strength }),
      ...(size && { width: size.width, height: size.height }),
    };
    inputs = () => body;
  }
  const images = await runAll(services, model, n, inputs, ctx.signal);
  return { ...(await respond(services, images, responseFormat(req), ctx)), ...billImages(services, model, n, size) };
}
