/**
 * RAG over Vectorize (vectors + filterable metadata) and D1 (chunk texts, and the list of each
 * document's chunk ids). On the emulator transport a missing binding is replaced by an in-memory
 * stand-in, so `npm run dev` can try RAG offline; on the real transports it is a 501.
 */
import type { Config } from '../../config';
import type { Env } from '../../env';
import { ApiError } from '../../errors';
import { embeddingModelInfo } from '../models/embeddings';
import type { OfflineKit } from '../offline';
import { D1ChunkStore } from './d1';
import type { ChunkStore, VectorIndex } from './types';
import { VectorizeAdapter } from './vectorize';

export interface Rag {
  index: VectorIndex;
  store: ChunkStore;
}

type Binding = 'VECTORIZE' | 'RAG_DB';
export type RagSetup = Rag | { missing: readonly Binding[] };

/** `offline`: the dev entry's in-memory stand-ins, given only on the emulator transport. */
export function createRag(env: Env, offline?: OfflineKit): RagSetup {
  const missing: Binding[] = [];
  if (!env.VECTORIZE && !offline) missing.push('VECTORIZE');
  if (!env.RAG_DB && !offline) missing.push('RAG_DB');
  if (missing.length) return { missing };
  return {
    index: env.VECTORIZE ? new VectorizeAdapter(env.VECTORIZE) : offline!.memoryVectorIndex(),
    store: env.RAG_DB ? new D1ChunkStore(env.RAG_DB) : offline!.memoryChunkStore(),
  };
}

function howToAdd(binding: Binding, config: Config): string {
  if (binding === 'VECTORIZE') {
    const dims = embeddingModelInfo(config.ragEmbeddingModel).dims;
    return `a Vectorize index as VECTORIZE (\`npx wrangler vectorize create rag-index --dimensions=${dims ?? '<vector size>'} --metric=cosine\`, then \`[[vectorize]] binding = "VECTORIZE" index_name = "rag-index"\`)`;
  }
  // The table is created on first use: nothing to migrate.
  return 'a D1 database as RAG_DB (`npx wrangler d1 create rag`, then `[[d1_databases]] binding = "RAG_DB" database_name = "rag" database_id = "<its id>"`)';
}

/** The RAG stores, or a 501 naming exactly the bindings to add. */
export function requireRag(services: { rag: RagSetup; config: Config }): Rag {
  const setup = services.rag;
  if ('index' in setup) return setup;
  const add = setup.missing.map((b) => howToAdd(b, services.config)).join(' and ');
  throw new ApiError(501, `RAG is not configured: add ${add} to wrangler.toml (docs/rag.md).`, 'server_error', null, 'rag_not_configured');
}
