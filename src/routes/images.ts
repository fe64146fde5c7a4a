import type { Context } from 'hono';
import { Hono } from '../lib/hono';
import { invalidValue } from '../errors';
import { jsonBody } from '../middleware/json-body';
import { ImageEditFields, ImageGenerationRequest, type ImageEditRequest } from '../schemas/images';
import { createImages, editImages, type ImageContext } from '../services/images';
import type { AppEnv } from '../types';
import { formFields, readForm } from './multipart';

const FILE_FIELDS = new Set(['image', 'image[]', 'mask']);
const NUMERIC_FIELDS = new Set(['n', 'strength', 'output_compression', 'partial_images']);

const context = (c: Context<AppEnv>): ImageContext => ({
  filesUrl: `${new URL(c.req.url).origin}/v1/images/files/`,
  signal: c.req.raw.signal,
});

/** Multipart text fields as typed values (numbers, booleans) for Zod; the first of a repeated field wins. */
function textFields(form: FormData): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (FILE_FIELDS.has(key) || key in fields) continue;
    if (typeof value !== 'string') fields[key] = value;
    else if (NUMERIC_FIELDS.has(key) && value.trim() !== '' && Number.isFinite(Number(value))) fields[key] = Number(value);
    else if (key === 'stream' && (value === 'true' || value === 'false')) fields[key] = value === 'true';
    else fields[key] = value;
  }
  return fields;
}

function fileList(form: FormData, name: string): File[] {
  return form.getAll(name).map((value) => {
    if (typeof value === 'string') throw invalidValue(name === 'mask' ? 'mask' : 'image', `'${name === 'mask' ? 'mask' : 'image'}' must be an uploaded file, not a text field.`);
    return value;
  });
}

/** The edit request as the OpenAI SDKs send it: `image` (or `image[]` for several), `mask`, and text fields. */
async function editRequest(c: Context<AppEnv>): Promise<ImageEditRequest> {
  const form = await readForm(c, 'image, prompt, ...');
  const fields = formFields(ImageEditFields, textFields(form));
  const images = [...fileList(form, 'image'), ...fileList(form, 'image[]')];
  if (!images.length) throw invalidValue('image', "Missing required parameter: 'image'.");
  const masks = fileList(form, 'mask');
  if (masks.length > 1) throw invalidValue('mask', "Send one 'mask' file, not several.");
  return { ...fields, images, ...(masks[0] && { mask: masks[0] }) };
}

export const images = new Hono<AppEnv>()
  .post('/images/generations', ...jsonBody(ImageGenerationRequest), async (c) => {
    const body = c.req.valid('json');
    const { services } = c.var;
    c.set('model', body.model ?? services.config.defaultImageModel);
    return c.json(await createImages(services, body, context(c)));
  })
  .post('/images/edits', async (c) => {
    const req = await editRequest(c);
    if (req.model) c.set('model', req.model);
    return c.json(await editImages(c.get('services'), req, context(c)));
  });
