import type { CatalogModel } from '../../src/services/upstream/types';
import { TEST_CATALOG, catalogModel } from './catalog';

const model = (name: string, task: string, properties: Record<string, string> = {}, _n = 0) => catalogModel(name, task, properties, '2025-01-22 12:00:00.000');

/**
 * The test catalog plus the embedding and safety models, with the properties the real catalog
 * gives them (bge v1.5: output_dimensions + max_input_tokens; the others none or context_window).
 */
export const CATALOG_WITH_MORE: CatalogModel[] = [
  ...TEST_CATALOG,
  model('@cf/baai/bge-small-en-v1.5', 'Text Embeddings', { max_input_tokens: '512', output_dimensions: '384' }, 1),
  model('@cf/baai/bge-m3', 'Text Embeddings', { context_window: '60000' }, 2),
  model('@cf/google/embeddinggemma-300m', 'Text Embeddings', {}, 3),
  model('@cf/qwen/qwen3-embedding-0.6b', 'Text Embeddings', { context_window: '8192' }, 4),
  model('@cf/pfnet/plamo-embedding-1b', 'Text Embeddings', {}, 5),
  model('@cf/meta/llama-guard-3-8b', 'Text Generation', {}, 6),
];
