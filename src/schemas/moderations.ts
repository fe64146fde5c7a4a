import * as z from 'zod/mini';
import { looseObject, optionalNullable, tagged } from './common';

const TextPart = looseObject({ type: z.literal('text'), text: z.string() });
// Recognised so the error can say images are unsupported, not "invalid".
const ImagePart = looseObject({ type: z.literal('image_url'), image_url: z.unknown() });

/** POST /v1/moderations: a string, an array of strings, or one multimodal input as an array of parts. */
export const ModerationRequest = looseObject({
  input: z.union([z.string(), z.array(z.string()), z.array(tagged('type', [TextPart, ImagePart]))]),
  model: optionalNullable(z.string().check(z.minLength(1))),
});

export type ModerationRequest = z.infer<typeof ModerationRequest>;
