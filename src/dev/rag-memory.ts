/**
 * The offline stand-in for Vectorize and D1 (emulator transport without those bindings): plain
 * maps in the isolate's memory. Not persistent and not shared: every isolate (and every
 * `wrangler dev` restart) starts empty. Search is an exact scan, fine for trying things out.
 */
import { ApiError } from '../errors';
import { matchesFilter } from '../services/rag/filter';
import type { ChunkStore, RagFilter, StoredChunk, VectorIndex, VectorMatch, VectorRecord } from '../services/rag/types';

interface Entry {
  values: Float64Array;
  norm: number;
  metadata: Record<string, unknown>;
}

const normOf = (v: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i]! * v[i]!;
  return Math.sqrt(sum);
};

export class MemoryVectorIndex implements VectorIndex {
  private readonly vectors = new Map<string, Entry>();
  private dims: number | undefined;

  async dimensions(): Promise<number | undefined> {
    return this.dims;
  }

  async upsert(vectors: VectorRecord[]): Promise<void> {
    for (const v of vectors) this.checkDims(v.values.length);
    for (const v of vectors) this.vectors.set(v.id, { values: Float64Array.from(v.values), norm: normOf(v.values), metadata: structuredClone(v.metadata) });
  }

  async query(values: number[], options: { topK: number; filter?: RagFilter }): Promise<VectorMatch[]> {
    if (this.dims === undefined) return [];
    this.checkDims(values.length);
    const qNorm = normOf(values);
    const matches: VectorMatch[] = [];
    for (const [id, e] of this.vectors) {
      if (options.filter && !matchesFilter(e.metadata, options.filter)) continue;
      let dot = 0;
      for (let i = 0; i < values.length; i++) dot += values[i]! * e.values[i]!;
      matches.push({ id, score: qNorm && e.norm ? dot / (qNorm * e.norm) : 0 });
    }
    return matches.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1)).slice(0, options.topK);
  }

  async deleteByIds(ids: string[]): Promise<void> {
    for (const id of ids) this.vectors.delete(id);
  }

  /** The first vector fixes the size, as `--dimensions` does for a Vectorize index. */
  private checkDims(n: number): void {
    this.dims ??= n;
    if (n !== this.dims) {
      throw new ApiError(400, `The in-memory vector index holds ${this.dims}-dimension vectors; got ${n}.`, 'invalid_request_error', null, 'vector_dimension_mismatch');
    }
  }
}

export class MemoryChunkStore implements ChunkStore {
  private readonly chunks = new Map<string, StoredChunk>();
  private readonly byDocument = new Map<string, Set<string>>();

  async idsOf(documentIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const doc of documentIds) {
      const ids = this.byDocument.get(doc);
      if (ids?.size) out.set(doc, [...ids]);
    }
    return out;
  }

  async put(chunks: readonly StoredChunk[]): Promise<void> {
    for (const c of chunks) {
      this.chunks.set(c.id, structuredClone(c));
      let ids = this.byDocument.get(c.document_id);
      if (!ids) this.byDocument.set(c.document_id, (ids = new Set()));
      ids.add(c.id);
    }
  }

  async get(ids: readonly string[]): Promise<Map<string, StoredChunk>> {
    const out = new Map<string, StoredChunk>();
    for (const id of ids) {
      const c = this.chunks.get(id);
      if (c) out.set(id, structuredClone(c));
    }
    return out;
  }

  async remove(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const c = this.chunks.get(id);
      if (!c) continue;
      this.chunks.delete(id);
      const set = this.byDocument.get(c.document_id);
      set?.delete(id);
      if (set && !set.size) this.byDocument.delete(c.document_id);
    }
  }
}
