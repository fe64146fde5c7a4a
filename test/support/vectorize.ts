/**
 * A stand-in for a Vectorize binding (Vectorize has no local simulation), with the real method
 * signatures and return shapes from workers-types: V2 `Vectorize` (async mutations answering
 * `{mutationId}`, describe() giving `dimensions`), or legacy V1 `VectorizeIndex` (`{ids, count}`,
 * describe() giving `config.dimensions`). It enforces the documented limits the proxy must
 * respect (ids <= 64 bytes, 10 KiB of metadata, 1000 vectors per upsert, topK <= 100 without
 * values/metadata, 20 with them, a non-empty filter under 2048 bytes, the index's dimensions),
 * and records every call. With `lag`, mutations wait for process(), as V2 applies them a few seconds later.
 */
import type { RagFilter } from '../../src/schemas/rag';
import { matchesFilter } from '../../src/services/rag/filter';

interface Stored {
  id: string;
  values: number[];
  metadata?: Record<string, unknown>;
}

export interface VectorizeCall {
  method: string;
  args: unknown[];
}

const bytes = (s: string) => new TextEncoder().encode(s).length;
const cosine = (a: number[], b: number[]) => {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) (dot += a[i]! * b[i]!), (na += a[i]! * a[i]!), (nb += b[i]! * b[i]!);
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
};

export class FakeVectorize {
  readonly calls: VectorizeCall[] = [];
  readonly vectors = new Map<string, Stored>();
  /** Set to make the next call of that method throw it. */
  fail: Partial<Record<'describe' | 'query' | 'upsert' | 'deleteByIds', Error>> = {};
  private pending: (() => void)[] = [];
  private mutations = 0;

  constructor(
    readonly dimensions = 768,
    readonly options: { legacy?: boolean; lag?: boolean } = {},
  ) {}

  /** Applies the mutations held back by `lag`. */
  process(): void {
    for (const apply of this.pending.splice(0)) apply();
  }

  private record(method: string, args: unknown[]) {
    this.calls.push({ method, args: structuredClone(args) });
    const err = this.fail[method as keyof FakeVectorize['fail']];
    if (err) {
      delete this.fail[method as keyof FakeVectorize['fail']];
      throw err;
    }
  }

  private mutation(apply: () => void, ids: string[]) {
    if (this.options.lag) this.pending.push(apply);
    else apply();
    return this.options.legacy ? { ids, count: ids.length } : { mutationId: `00000000-0000-4000-8000-${String(++this.mutations).padStart(12, '0')}` };
  }

  async describe() {
    this.record('describe', []);
    if (this.options.legacy) return { id: 'idx-1', name: 'rag-index', config: { dimensions: this.dimensions, metric: 'cosine' }, vectorsCount: this.vectors.size };
    return { vectorCount: this.vectors.size, dimensions: this.dimensions, processedUpToDatetime: Date.now(), processedUpToMutation: this.mutations };
  }

  async upsert(vectors: VectorizeVector[]) {
    this.record('upsert', [vectors]);
    if (vectors.length > 1000) throw new Error('VECTOR_UPSERT_ERROR (code = 40007): too many vectors in one upsert (max 1000)');
    for (const v of vectors) {
      if (bytes(v.id) > 64) throw new Error(`VECTOR_UPSERT_ERROR (code = 40008): id too long: ${v.id}`);
      if (v.values.length !== this.dimensions) {
        throw new Error(`VECTOR_UPSERT_ERROR (code = 40012): invalid vector for id="${v.id}", expected ${this.dimensions} dimensions, and got ${v.values.length} dimensions`);
      }
      if (v.metadata && bytes(JSON.stringify(v.metadata)) > 10240) throw new Error(`VECTOR_UPSERT_ERROR (code = 40011): metadata too large for id="${v.id}"`);
    }
    const copies = vectors.map((v) => ({ id: v.id, values: Array.from(v.values), metadata: structuredClone(v.metadata) }));
    return this.mutation(() => copies.forEach((v) => this.vectors.set(v.id, v)), vectors.map((v) => v.id));
  }

  async insert(vectors: VectorizeVector[]) {
    return this.upsert(vectors);
  }

  async deleteByIds(ids: string[]) {
    this.record('deleteByIds', [ids]);
    return this.mutation(() => ids.forEach((id) => this.vectors.delete(id)), ids);
  }

  async getByIds(ids: string[]) {
    this.record('getByIds', [ids]);
    return ids.flatMap((id) => {
      const v = this.vectors.get(id);
      return v ? [structuredClone(v)] : [];
    });
  }

  async query(vector: number[] | Float32Array | Float64Array, options: VectorizeQueryOptions = {}) {
    this.record('query', [Array.from(vector), options]);
    const values = Array.from(vector);
    if (values.length !== this.dimensions) {
      throw new Error(`VECTOR_QUERY_ERROR (code = 40006): invalid query vector, expected ${this.dimensions} dimensions, and got ${values.length} dimensions`);
    }
    const topK = options.topK ?? 5;
    const heavy = options.returnValues || options.returnMetadata === 'all' || options.returnMetadata === true;
    if (topK < 1 || topK > (heavy ? 20 : 100)) throw new Error(`VECTOR_QUERY_ERROR (code = 40025): topK out of range: ${topK}`);
    if (options.filter) {
      if (!Object.keys(options.filter).length || bytes(JSON.stringify(options.filter)) >= 2048) throw new Error('VECTOR_QUERY_ERROR (code = 40030): invalid filter');
    }
    const matches = [...this.vectors.values()]
      .filter((v) => !options.filter || matchesFilter(v.metadata ?? {}, options.filter as RagFilter))
      .map((v) => ({
        id: v.id,
        score: cosine(values, v.values),
        ...(options.returnValues && { values: v.values }),
        ...(options.returnMetadata && options.returnMetadata !== 'none' && { metadata: v.metadata }),
      }))
      .sort((a, b) => b.score - a.score)
      .slice(0, topK);
    return { matches, count: matches.length };
  }

  async queryById(id: string, options?: VectorizeQueryOptions) {
    const v = this.vectors.get(id);
    return v ? this.query(v.values, options) : { matches: [], count: 0 };
  }
}

/** What the proxy sees as env.VECTORIZE. */
export const asBinding = (fake: FakeVectorize) => fake as unknown as Vectorize;
