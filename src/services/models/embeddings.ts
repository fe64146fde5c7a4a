import { numericProperty } from './catalog';
import type { CatalogModel } from '../upstream';

/**
 * What the proxy knows about an embedding model beyond the catalog:
 * - `batch`: most texts one upstream call takes. The catalog carries no such property; the limit
 *   is the `maxItems` of the `text` array in each model's input JSON schema (Cloudflare's model
 *   pages / `GET /ai/models/schema`), which the binding cannot read, hence this table.
 * - `dims`: native vector size (the catalog's `output_dimensions` wins when present).
 * - `minDims`: set for Matryoshka-trained models, whose vectors may be cut to any length from
 *   `minDims` to `dims` and re-normalised (EmbeddingGemma: 768 down to 128; Qwen3-Embedding: 32-1024).
 */
export interface EmbeddingModelInfo {
  batch: number;
  dims?: number;
  minDims?: number;
}

/** Keyed by the last segment of the model id. */
const KNOWN: Readonly<Record<string, EmbeddingModelInfo>> = {
  'bge-small-en-v1.5': { batch: 100, dims: 384 },
  'bge-base-en-v1.5': { batch: 100, dims: 768 },
  'omni-bge-base-en-v1.5': { batch: 100, dims: 768 },
  'bge-large-en-v1.5': { batch: 100, dims: 1024 },
  'bge-m3': { batch: 100, dims: 1024 },
  'embeddinggemma-300m': { batch: 100, dims: 768, minDims: 128 },
  'qwen3-embedding-0.6b': { batch: 32, dims: 1024, minDims: 32 },
};

/** Models whose schema states no limit (plamo-embedding-1b, new ones): stay at the smallest known cap. */
const DEFAULT_BATCH = 32;

export function embeddingModelInfo(id: string, entry?: CatalogModel): EmbeddingModelInfo {
  const known = KNOWN[id.slice(id.lastIndexOf('/') + 1)];
  const dims = numericProperty(entry, 'output_dimensions') ?? known?.dims;
  return { batch: known?.batch ?? DEFAULT_BATCH, ...(dims && { dims }), ...(known?.minDims && { minDims: known.minDims }) };
}

/** "embeddinggemma-300m (128-768), ..." for error messages. */
export const matryoshkaModels = (): string =>
  Object.entries(KNOWN)
    .filter(([, m]) => m.minDims)
    .map(([name, m]) => `${name} (${m.minDims}-${m.dims})`)
    .join(', ');
