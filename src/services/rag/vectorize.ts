/** VectorIndex over a Vectorize binding (V2 `Vectorize`, or a legacy V1 `VectorizeIndex`). */
import { ApiError } from '../../errors';
import type { RagFilter, VectorIndex, VectorMatch, VectorRecord } from './types';

/** Vectorize takes at most 1000 vectors per upsert from a Worker. */
const BATCH = 1000;

function failed(op: string, err: unknown): ApiError {
  const detail = (err instanceof Error ? err.message : String(err)).slice(0, 500);
  return new ApiError(502, `Vectorize ${op} failed: ${detail}`, 'server_error', null, 'vectorize_error');
}

/** V2 describe() gives `dimensions`; V1 gives `config.dimensions` (or a preset name). */
function dimensionsOf(info: unknown): number | undefined {
  const o = (info ?? {}) as { dimensions?: unknown; config?: { dimensions?: unknown } };
  const dims = o.dimensions ?? o.config?.dimensions;
  return typeof dims === 'number' && dims > 0 ? dims : undefined;
}

export class VectorizeAdapter implements VectorIndex {
  #dims: Promise<number | undefined> | undefined;

  readonly #index: Vectorize | VectorizeIndex;

  constructor(index: Vectorize | VectorizeIndex) {
    this.#index = index;
  }

  /** Read once per isolate; a failed describe() is not cached (and then the check is skipped). */
  dimensions(): Promise<number | undefined> {
    this.#dims ??= this.#index.describe().then(dimensionsOf, () => {
      this.#dims = undefined;
      return undefined;
    });
    return this.#dims;
  }

  async upsert(vectors: VectorRecord[]): Promise<void> {
    try {
      for (let i = 0; i < vectors.length; i += BATCH) await this.#index.upsert(vectors.slice(i, i + BATCH));
    } catch (err) {
      throw failed('upsert', err);
    }
  }

  async query(values: number[], options: { topK: number; filter?: RagFilter }): Promise<VectorMatch[]> {
    try {
      // No values and no metadata back (the text store has the metadata): Vectorize then allows topK up to 100.
      const res = await this.#index.query(values, { topK: options.topK, ...(options.filter && { filter: options.filter as VectorizeVectorMetadataFilter }) });
      return res.matches.map((m) => ({ id: m.id, score: m.score }));
    } catch (err) {
      throw failed('query', err);
    }
  }

  async deleteByIds(ids: string[]): Promise<void> {
    try {
      for (let i = 0; i < ids.length; i += BATCH) await this.#index.deleteByIds(ids.slice(i, i + BATCH));
    } catch (err) {
      throw failed('delete', err);
    }
  }
}
