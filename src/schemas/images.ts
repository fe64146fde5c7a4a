import * as z from 'zod/mini';
import { int, looseObject, numberIn, optionalNullable } from './common';

/** Fields /images/generations and /images/edits share. Unknown keys are accepted and ignored. */
const common = {
  prompt: z.string().check(z.minLength(1), z.maxLength(32000)),
  model: optionalNullable(z.string().check(z.minLength(1))),
  n: optionalNullable(int().check(z.gte(1), z.lte(10))),
  /** WIDTHxHEIGHT or auto; checked against the model's limits by the service. */
  size: optionalNullable(z.string()),
  response_format: optionalNullable(z.enum(['url', 'b64_json'])),
  // Accepted for compatibility; Workers AI models have no equivalent (see docs/images.md).
  quality: optionalNullable(z.enum(['standard', 'hd', 'low', 'medium', 'high', 'auto'])),
  output_format: optionalNullable(z.enum(['png', 'jpeg', 'webp'])),
  output_compression: optionalNullable(int().check(z.gte(0), z.lte(100))),
  background: optionalNullable(z.enum(['transparent', 'opaque', 'auto'])),
  stream: optionalNullable(z.boolean()),
  partial_images: optionalNullable(int().check(z.gte(0), z.lte(3))),
  user: z.optional(z.string()),
};

/** POST /v1/images/generations (JSON). */
export const ImageGenerationRequest = looseObject({
  ...common,
  style: optionalNullable(z.enum(['vivid', 'natural'])),
  moderation: optionalNullable(z.enum(['low', 'auto'])),
});

/** The text fields of POST /v1/images/edits (multipart); the files are checked by the route. */
export const ImageEditFields = looseObject({
  ...common,
  input_fidelity: optionalNullable(z.enum(['high', 'low'])),
  /** Not an OpenAI field: Workers AI's img2img/inpainting strength (0 = keep the input, 1 = ignore it). */
  strength: optionalNullable(numberIn(0, 1)),
});

export type ImageGenerationRequest = z.infer<typeof ImageGenerationRequest>;
export type ImageEditFields = z.infer<typeof ImageEditFields>;

/** Edit fields plus the uploaded files, as the service receives them. */
export interface ImageEditRequest extends ImageEditFields {
  images: File[];
  mask?: File;
}
