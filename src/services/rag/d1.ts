/**
 * ChunkStore over D1 (binding RAG_DB). One table, created on first use, so there is no migration
 * to run; D1 batches are transactions, so a write lands whole or not at all.
 */
import { ApiError } from '../../errors';
import type { ChunkStore, StoredChunk } from './types';

const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS rag_chunks (id TEXT PRIMARY KEY, document_id TEXT NOT NULL, chunk INTEGER NOT NULL, text TEXT NOT NULL, metadata TEXT NOT NULL)',
  'CREATE INDEX IF NOT EXISTS rag_chunks_document ON rag_chunks (document_id)',
];
/** D1 binds at most 100 parameters per statement. */
const MAX_PARAMS = 100;
const COLUMNS = 5;

interface Row {
  id: string;
  document_id: string;
  chunk: number;
  text: string;
  metadata: string;
}

function failed(op: string, err: unknown): ApiError {
  const detail = (err instanceof Error ? err.message : String(err)).slice(0, 500);
  return new ApiError(502, `D1 (RAG_DB) ${op} failed: ${detail}`, 'server_error', null, 'rag_store_error');
}

function groups<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const marks = (n: number) => Array.from({ length: n }, () => '?').join(',');

export class D1ChunkStore implements ChunkStore {
  #ready: Promise<void> | undefined;

  readonly #db: D1Database;

  constructor(db: D1Database) {
    this.#db = db;
  }

  /** Creates the table once per isolate (a failure is retried on the next request). */
  #schema(): Promise<void> {
    this.#ready ??= this.#db.batch(SCHEMA.map((sql) => this.#db.prepare(sql))).then(
      () => undefined,
      (err) => {
        this.#ready = undefined;
        throw err;
      },
    );
    return this.#ready;
  }

  async #run<T>(op: string, fn: () => Promise<T>): Promise<T> {
    try {
      await this.#schema();
      return await fn();
    } catch (err) {
      throw failed(op, err);
    }
  }

  async #select(sql: (marks: string) => string, params: readonly string[]): Promise<Row[]> {
    if (!params.length) return [];
    const stmts = groups(params, MAX_PARAMS).map((g) => this.#db.prepare(sql(marks(g.length))).bind(...g));
    const results = await this.#db.batch<Row>(stmts);
    return results.flatMap((r) => r.results);
  }

  idsOf(documentIds: readonly string[]): Promise<Map<string, string[]>> {
    return this.#run('read', async () => {
      const rows = await this.#select((m) => `SELECT id, document_id FROM rag_chunks WHERE document_id IN (${m}) ORDER BY document_id, chunk`, documentIds);
      const out = new Map<string, string[]>();
      for (const r of rows) {
        const ids = out.get(r.document_id);
        if (ids) ids.push(r.id);
        else out.set(r.document_id, [r.id]);
      }
      return out;
    });
  }

  put(chunks: readonly StoredChunk[]): Promise<void> {
    if (!chunks.length) return Promise.resolve();
    return this.#run('write', async () => {
      const stmts = groups(chunks, MAX_PARAMS / COLUMNS).map((g) =>
        this.#db
          .prepare(`INSERT OR REPLACE INTO rag_chunks (id, document_id, chunk, text, metadata) VALUES ${g.map(() => '(?,?,?,?,?)').join(',')}`)
          .bind(...g.flatMap((c) => [c.id, c.document_id, c.chunk, c.text, JSON.stringify(c.metadata)])),
      );
      await this.#db.batch(stmts);
    });
  }

  get(ids: readonly string[]): Promise<Map<string, StoredChunk>> {
    return this.#run('read', async () => {
      const rows = await this.#select((m) => `SELECT id, document_id, chunk, text, metadata FROM rag_chunks WHERE id IN (${m})`, ids);
      return new Map(rows.map((r) => [r.id, { id: r.id, document_id: r.document_id, chunk: r.chunk, text: r.text, metadata: JSON.parse(r.metadata) }]));
    });
  }

  remove(ids: readonly string[]): Promise<void> {
    if (!ids.length) return Promise.resolve();
    return this.#run('delete', async () => {
      await this.#db.batch(groups(ids, MAX_PARAMS).map((g) => this.#db.prepare(`DELETE FROM rag_chunks WHERE id IN (${marks(g.length)})`).bind(...g)));
    });
  }
}
