/**
 * The two small stores RAG is built on. Vectorize (or the in-memory stand-in) holds the vectors and
 * the filterable metadata; D1 (or the stand-in) holds the chunk texts and is the ledger of which
 * chunk ids exist, since Vectorize cannot list a document's vectors.
 */
import type { RagFilter, RagMetadata } from '../../schemas/rag';

export type { RagFilter, RagMetadata };

/** Metadata Vectorize stores with each vector: the user's, plus where the chunk came from. */
export type VectorMetadata = RagMetadata & { document_id: string; chunk: number };

export interface VectorRecord {
  id: string;
  values: number[];
  metadata: VectorMetadata;
}

export interface VectorMatch {
  id: string;
  score: number;
}

export interface VectorIndex {
  /** The index's vector size, when it can tell (undefined: unknown, or an empty in-memory index). */
  dimensions(): Promise<number | undefined>;
  upsert(vectors: VectorRecord[]): Promise<void>;
  /** The `topK` best matches by cosine similarity, best first, among vectors matching `filter`. */
  query(values: number[], options: { topK: number; filter?: RagFilter }): Promise<VectorMatch[]>;
  deleteByIds(ids: string[]): Promise<void>;
}

/** One chunk of a document, as the text store keeps it. */
export interface StoredChunk {
  id: string;
  document_id: string;
  chunk: number;
  text: string;
  metadata: RagMetadata;
}

export interface ChunkStore {
  /** The chunk ids stored for each of these documents (documents without chunks are absent). */
  idsOf(documentIds: readonly string[]): Promise<Map<string, string[]>>;
  /** Inserts or replaces these chunks (by chunk id), all or none. */
  put(chunks: readonly StoredChunk[]): Promise<void>;
  get(ids: readonly string[]): Promise<Map<string, StoredChunk>>;
  /** Removes these chunks (by chunk id), all or none. */
  remove(ids: readonly string[]): Promise<void>;
}
