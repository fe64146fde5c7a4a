import * as z from 'zod/mini';
import { int, looseObject, optionalNullable } from './common';

/**
 * POST /v1/embeddings. Token arrays (number[] / number[][]) pass the schema so the service can
 * refuse them with a message that says why, rather than "matches none of the accepted forms".
 */
export const EmbeddingRequest = looseObject({
  model: z.string().check(z.minLength(1)),
  input: z.union([z.string(), z.array(z.union([z.string(), z.number(), z.array(z.number())]))]),
  encoding_format: optionalNullable(z.enum(['float', 'base64'])),
  dimensions: optionalNullable(int().check(z.gte(1))),
  user: z.optional(z.string()),
});

export type EmbeddingRequest = z.infer<typeof EmbeddingRequest>;
