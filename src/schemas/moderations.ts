import * as z from 'zod/mini';
import { optionalNullable, tagged } from './common';

const TextPart = z.looseObject({ type: z.literal('text'), text: z.string() });
// Recognised so the error can say images are unsupported, not "invalid".
const ImagePart = z.looseObject({ type: z.literal('image_url'), image_url: z.unknown() });

/** POST /v1/moderations: a string, an array of strings, or one multimodal input as an array of parts. */
export const ModerationRequest = z.looseObject({
  input: z.union([z.string(), z.array(z.string()), z.array(tagged('type', [TextPart, ImagePart]))]),
  model: optionalNullable(z.string().check(z.minLength(1))),
});

export type ModerationRequest = z.infer<typeof ModerationRequest>;
