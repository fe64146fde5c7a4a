/**
 * Metadata: the checks Vectorize would otherwise fail on (with a less helpful message, or after
 * the embeddings were paid for), and the filter semantics of the in-memory stand-in.
 */
import { invalidValue } from '../../errors';
import type { RagFilter, RagMetadata } from '../../schemas/rag';

/** Vectorize: 10 KiB of metadata per vector; this leaves room for document_id and chunk. */
export const MAX_METADATA_BYTES = 9 * 1024;
/** Vectorize: a filter's compact JSON must be under 2048 bytes. */
const MAX_FILTER_BYTES = 2047;
const MAX_KEY_LENGTH = 512;
/** Set by the proxy on every vector; a user value would be overwritten or filtered wrongly. */
export const RESERVED_KEYS = new Set(['document_id', 'chunk']);

const encoder = new TextEncoder();
export const byteLength = (s: string) => encoder.encode(s).length;

/** Vectorize's key rules: not empty, no `"`, not starting with `$`, at most 512 characters; `.` is the nesting separator. */
function keyProblem(key: string, dotAllowed: boolean): string | undefined {
  if (!key) return 'must not be empty';
  if (key.length > MAX_KEY_LENGTH) return `must be at most ${MAX_KEY_LENGTH} characters`;
  if (key.startsWith('$')) return 'must not start with "$"';
  if (key.includes('"')) return 'must not contain \'"\'';
  if (!dotAllowed && key.includes('.')) return 'must not contain "." (Vectorize reads it as nesting)';
  return undefined;
}

export function checkMetadata(metadata: RagMetadata, param: string): void {
  for (const key of Object.keys(metadata)) {
    const problem = RESERVED_KEYS.has(key) ? 'is set by the proxy' : keyProblem(key, false);
    if (problem) throw invalidValue(`${param}.${key}`, `Metadata key ${JSON.stringify(key)} ${problem}.`);
  }
  const size = byteLength(JSON.stringify(metadata));
  if (size > MAX_METADATA_BYTES) {
    throw invalidValue(param, `Metadata is ${size} bytes as JSON; at most ${MAX_METADATA_BYTES} are allowed per document.`);
  }
}

/** An empty filter is no filter (Vectorize refuses `{}`). */
export function checkFilter(filter: RagFilter | null | undefined, param: string): RagFilter | undefined {
  if (!filter) return undefined;
  const keys = Object.keys(filter);
  if (!keys.length) return undefined;
  for (const key of keys) {
    const problem = keyProblem(key, true) ?? (key.split('.').some((part) => !part) ? 'has an empty part between dots' : undefined);
    if (problem) throw invalidValue(`${param}.${key}`, `Filter key ${JSON.stringify(key)} ${problem}.`);
    const cond = filter[key];
    if (cond !== null && typeof cond === 'object' && !Object.keys(cond).length) {
      throw invalidValue(`${param}.${key}`, `Filter on ${JSON.stringify(key)} names no operator: use $eq, $ne, $lt, $lte, $gt, $gte, $in or $nin.`);
    }
  }
  const size = byteLength(JSON.stringify(filter));
  if (size > MAX_FILTER_BYTES) throw invalidValue(param, `The filter is ${size} bytes as JSON; Vectorize takes at most ${MAX_FILTER_BYTES}.`);
  return filter;
}

type Scalar = string | number | boolean;
type Value = Scalar | Scalar[] | null | undefined;

/** Field lookup with `.` as the nesting separator, as Vectorize reads filter keys. */
function valueAt(metadata: Record<string, unknown>, key: string): Value {
  if (key in metadata) return metadata[key] as Value;
  let value: unknown = metadata;
  for (const part of key.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value as Value;
}

const same = (a: Value, b: Scalar | null) => (Array.isArray(a) ? a.some((x) => x === b) : (a ?? null) === b);
const ordered = (a: Value, b: Scalar, test: (x: number) => boolean) =>
  (typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string') ? test(a < b ? -1 : a > b ? 1 : 0) : false;

/** Whether `metadata` passes `filter` (every field's conditions hold). Arrays match an equality when any element does. */
export function matchesFilter(metadata: Record<string, unknown>, filter: RagFilter): boolean {
  for (const [key, cond] of Object.entries(filter)) {
    const v = valueAt(metadata, key);
    if (cond === null || typeof cond !== 'object') {
      if (!same(v, cond)) return false;
      continue;
    }
    if (cond.$eq !== undefined && !same(v, cond.$eq)) return false;
    if (cond.$ne !== undefined && same(v, cond.$ne)) return false;
    if (cond.$in && !cond.$in.some((x) => same(v, x))) return false;
    if (cond.$nin && cond.$nin.some((x) => same(v, x))) return false;
    if (cond.$lt !== undefined && !ordered(v, cond.$lt, (c) => c < 0)) return false;
    if (cond.$lte !== undefined && !ordered(v, cond.$lte, (c) => c <= 0)) return false;
    if (cond.$gt !== undefined && !ordered(v, cond.$gt, (c) => c > 0)) return false;
    if (cond.$gte !== undefined && !ordered(v, cond.$gte, (c) => c >= 0)) return false;
  }
  return true;
}
