/** Embedding with RAG_EMBEDDING_MODEL, and retrieval: query vector -> Vectorize matches -> chunk texts. */
import { ApiError, proxyMisconfigured as misconfigured } from '../../errors';
import type { RagOptions } from '../../schemas/rag';
import { createEmbeddings } from '../embeddings';
import type { Services } from '../index';
import { checkFilter } from './filter';
import type { Rag } from './index';
import type { RagMetadata } from './types';

export const DEFAULT_TOP_K = 5;

export interface EmbeddingUsage {
  prompt_tokens: number;
  total_tokens: number;
}

export interface Passage {
  id: string;
  document_id: string;
  chunk: number;
  score: number;
  text: string;
  metadata: RagMetadata;
}

/**
 * Vectors for `texts` from RAG_EMBEDDING_MODEL, checked against the index's size. The model is the
 * proxy's setting, not the client's: a model error is a configuration error.
 */
export async function embedTexts(services: Services, rag: Rag, texts: string[], signal?: AbortSignal): Promise<{ vectors: number[][]; usage: EmbeddingUsage }> {
  const model = services.config.ragEmbeddingModel;
  let list;
  try {
    list = await createEmbeddings(services, { model, input: texts }, signal);
  } catch (err) {
    if (err instanceof ApiError && err.param === 'model') throw misconfigured(`RAG_EMBEDDING_MODEL: ${err.message}`);
    throw err;
  }
  const vectors = list.data.map((d) => d.embedding as number[]);
  const got = vectors[0]!.length;
  const want = await rag.index.dimensions();
  if (want !== undefined && want !== got) {
    throw misconfigured(
      `RAG_EMBEDDING_MODEL \`${model}\` makes ${got}-dimension vectors, but the VECTORIZE index has ${want} dimensions: set a model that fits, or create an index with --dimensions=${got}.`,
      'rag_dimension_mismatch',
    );
  }
  return { vectors, usage: list.usage };
}

/**
 * The best chunks for `query`: at most `top_k`, each at least `min_score`, with their text.
 * A match whose text is gone (deleted, and Vectorize not caught up yet) is dropped.
 */
export async function retrieve(
  services: Services,
  rag: Rag,
  query: string,
  options: RagOptions,
  paramPrefix: string,
  signal?: AbortSignal,
): Promise<{ passages: Passage[]; usage: EmbeddingUsage }> {
  const filter = checkFilter(options.filter, `${paramPrefix}filter`);
  const { vectors, usage } = await embedTexts(services, rag, [query], signal);
  const matches = await rag.index.query(vectors[0]!, { topK: options.top_k ?? DEFAULT_TOP_K, ...(filter && { filter }) });
  const minScore = options.min_score;
  const kept = minScore == null ? matches : matches.filter((m) => m.score >= minScore);
  const chunks = await rag.store.get(kept.map((m) => m.id));
  const passages: Passage[] = [];
  for (const m of kept) {
    const c = chunks.get(m.id);
    if (c) passages.push({ id: c.id, document_id: c.document_id, chunk: c.chunk, score: m.score, text: c.text, metadata: c.metadata });
  }
  return { passages, usage };
}
