import * as z from 'zod/mini';
import { RAG_CHUNK_MAX, RAG_CHUNK_MIN } from '../config';
import { ChatCompletionRequest } from './chat';
import { int, looseObject, numberIn, optionalNullable, recordOf } from './common';

/** Most documents one POST /v1/rag/documents (or one delete) may carry. */
export const MAX_RAG_DOCUMENTS = 100;
/** Most results a search may ask for: Vectorize returns up to 100 ids without metadata, the proxy keeps it to 50. */
export const MAX_RAG_TOP_K = 50;

/** Vectorize metadata values (VectorizeVectorMetadataValue): flat, no nested objects. */
export const RagMetadata = recordOf(z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]));
export type RagMetadata = z.infer<typeof RagMetadata>;

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const Ordered = z.union([z.string(), z.number()]);
const Operators = z.strictObject({
  $eq: z.optional(z.nullable(Scalar)),
  $ne: z.optional(z.nullable(Scalar)),
  $lt: z.optional(Ordered),
  $lte: z.optional(Ordered),
  $gt: z.optional(Ordered),
  $gte: z.optional(Ordered),
  $in: z.optional(z.array(Scalar).check(z.minLength(1))),
  $nin: z.optional(z.array(Scalar).check(z.minLength(1))),
});

/** A Vectorize metadata filter (VectorizeVectorMetadataFilter): `{field: value | null | {$op: value}}`, ANDed. */
export const RagFilter = recordOf(z.union([Scalar, z.null(), Operators]));
export type RagFilter = z.infer<typeof RagFilter>;

/** POST /v1/rag/documents. Strict objects: a misspelt option is a 400, not silently a default. */
export const RagDocumentsRequest = z.strictObject({
  documents: z
    .array(
      z.strictObject({
        id: optionalNullable(z.string().check(z.minLength(1))),
        text: z.string().check(z.minLength(1)),
        metadata: optionalNullable(RagMetadata),
      }),
    )
    .check(z.minLength(1), z.maxLength(MAX_RAG_DOCUMENTS)),
  chunk_size: optionalNullable(int().check(z.gte(RAG_CHUNK_MIN), z.lte(RAG_CHUNK_MAX))),
  chunk_overlap: optionalNullable(int().check(z.gte(0))),
});
export type RagDocumentsRequest = z.infer<typeof RagDocumentsRequest>;

/** POST /v1/rag/documents/delete. */
export const RagDeleteRequest = z.strictObject({
  ids: z.array(z.string().check(z.minLength(1))).check(z.minLength(1), z.maxLength(MAX_RAG_DOCUMENTS)),
});

const retrieval = {
  top_k: optionalNullable(int().check(z.gte(1), z.lte(MAX_RAG_TOP_K))),
  filter: optionalNullable(RagFilter),
  min_score: optionalNullable(numberIn(-1, 1)),
};

/** POST /v1/rag/search. */
export const RagSearchRequest = z.strictObject({
  query: z.string().check(z.minLength(1), z.maxLength(8192)),
  ...retrieval,
});
export type RagSearchRequest = z.infer<typeof RagSearchRequest>;

export const RagOptions = z.strictObject(retrieval);
export type RagOptions = z.infer<typeof RagOptions>;

/** POST /v1/rag/chat: an OpenAI chat request (model optional: RAG_CHAT_MODEL) plus `rag` retrieval options. */
// The shape spread rather than z.extend, whose helper would be in the bundle for this one use.
export const RagChatRequest = looseObject({
  ...ChatCompletionRequest.shape,
  model: z.optional(z.string().check(z.minLength(1))),
  rag: optionalNullable(RagOptions),
});
export type RagChatRequest = z.infer<typeof RagChatRequest>;
