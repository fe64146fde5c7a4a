/** Adding (or replacing) and deleting documents: chunk, embed, then write D1 and Vectorize in an order that stays recoverable. */
import { invalidValue, requestTooLarge } from '../../errors';
import type { RagDocumentsRequest } from '../../schemas/rag';
import type { Services } from '../index';
import { chunkText } from './chunking';
import { byteLength, checkMetadata } from './filter';
import type { Rag } from './index';
import { embedTexts, type EmbeddingUsage } from './search';
import type { StoredChunk, VectorRecord } from './types';
import { sha256, toHex } from '../../lib/hash';

/** Vectorize ids are at most 64 bytes; `${id}#${n}` must fit. */
export const MAX_DOCUMENT_ID_BYTES = 48;
/** Characters of text per request: bounds the embedding work one request can cause. */
export const MAX_TEXT_CHARS = 1_000_000;
/** Chunks per request: Vectorize's upsert batch from a Worker. */
export const MAX_CHUNKS = 1000;

const CONTROL = /[\u0000-\u001f\u007f]/;

export interface UpsertResult {
  object: 'list';
  data: { id: string; object: 'rag.document'; chunks: number }[];
  model: string;
  usage: EmbeddingUsage;
}

export interface DeleteResult {
  id: string;
  object: 'rag.document.deleted';
  deleted: boolean;
  chunks: number;
}

async function contentId(text: string): Promise<string> {
  return `doc-${toHex((await sha256(text)).subarray(0, 16))}`;
}

export function checkDocumentId(id: string, param: string): void {
  if (byteLength(id) > MAX_DOCUMENT_ID_BYTES) {
    throw invalidValue(param, `Document ids are at most ${MAX_DOCUMENT_ID_BYTES} bytes (a chunk number is appended for Vectorize's 64).`);
  }
  if (CONTROL.test(id)) throw invalidValue(param, 'Document ids must not contain control characters.');
}

const tooLarge = (message: string) => requestTooLarge('documents', message);

export async function upsertDocuments(services: Services, rag: Rag, req: RagDocumentsRequest, signal?: AbortSignal): Promise<UpsertResult> {
  const { config } = services;
  const size = req.chunk_size ?? config.ragChunkSize;
  // An explicit chunk_size without an overlap gets the default's ratio (a fifth), not its absolute value.
  const overlap = req.chunk_overlap ?? (req.chunk_size == null ? config.ragChunkOverlap : Math.floor(size / 5));
  if (overlap >= size) throw invalidValue('chunk_overlap', `'chunk_overlap' (${overlap}) must be smaller than the chunk size (${size}).`);

  let chars = 0;
  for (const d of req.documents) chars += d.text.length;
  if (chars > MAX_TEXT_CHARS) throw tooLarge(`The documents hold ${chars} characters of text; at most ${MAX_TEXT_CHARS} are accepted per request.`);

  const ids = new Map<string, number>();
  const chunks: StoredChunk[] = [];
  const data: UpsertResult['data'] = [];
  for (const [i, d] of req.documents.entries()) {
    const id = d.id ?? (await contentId(d.text));
    checkDocumentId(id, `documents[${i}].id`);
    if (ids.has(id)) throw invalidValue(`documents[${i}].id`, `Document id ${JSON.stringify(id)} appears twice (documents[${ids.get(id)}] and documents[${i}]).`);
    ids.set(id, i);
    const metadata = d.metadata ?? {};
    checkMetadata(metadata, `documents[${i}].metadata`);
    const texts = chunkText(d.text, size, overlap);
    if (!texts.length) throw invalidValue(`documents[${i}].text`, `documents[${i}].text holds only whitespace.`);
    texts.forEach((text, n) => chunks.push({ id: `${id}#${n}`, document_id: id, chunk: n, text, metadata }));
    if (chunks.length > MAX_CHUNKS) {
      throw tooLarge(`The documents make more than ${MAX_CHUNKS} chunks of ${size} characters: send fewer per request, or a larger chunk_size.`);
    }
    data.push({ id, object: 'rag.document', chunks: texts.length });
  }

  // Embed everything before writing anything: a failed embedding leaves the stores untouched.
  const { vectors, usage } = await embedTexts(services, rag, chunks.map((c) => c.text), signal);
  const records: VectorRecord[] = chunks.map((c, i) => ({ id: c.id, values: vectors[i]!, metadata: { ...c.metadata, document_id: c.document_id, chunk: c.chunk } }));

  // D1 is the ledger of chunk ids: rows go in before their vectors and come out after them, so
  // whatever step fails, a retry or a delete still finds every vector the proxy wrote.
  const before = await rag.store.idsOf([...ids.keys()]);
  await rag.store.put(chunks);
  await rag.index.upsert(records);
  const fresh = new Set(chunks.map((c) => c.id));
  const stale = [...before.values()].flat().filter((id) => !fresh.has(id));
  if (stale.length) {
    await rag.index.deleteByIds(stale);
    await rag.store.remove(stale);
  }
  return { object: 'list', data, model: config.ragEmbeddingModel, usage };
}

export async function deleteDocuments(rag: Rag, ids: readonly string[]): Promise<DeleteResult[]> {
  const unique = [...new Set(ids)];
  const found = await rag.store.idsOf(unique);
  const chunkIds = [...found.values()].flat();
  if (chunkIds.length) {
    await rag.index.deleteByIds(chunkIds);
    await rag.store.remove(chunkIds);
  }
  return unique.map((id) => ({ id, object: 'rag.document.deleted', deleted: found.has(id), chunks: found.get(id)?.length ?? 0 }));
}
