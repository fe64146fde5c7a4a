import type { KeyRecord } from './types';

/** How long an isolate trusts a key definition it read: admin changes made elsewhere apply within this (plus KV's own propagation). */
const CACHE_MS = 30_000;
/** Unknown secrets are remembered too (a client retrying a wrong key costs no KV read), in a bounded map. */
const CACHE_ENTRIES = 1000;

const PREFIX = 'key:';
const ID_PREFIX = 'id:';

/**
 * Managed key definitions in KV (KEYS), stored under `key:<sha256 hex of the secret>`: a request's
 * key is found by its digest in one read, so nothing compares the secret itself (no timing leak)
 * and KV never holds it. The key id is `key_` + the digest's first 16 hex digits; `id:<id>` holds
 * the digest, for the admin API.
 */
export class KeyStore {
  readonly #cache = new Map<string, { record: KeyRecord | null; until: number }>();

  readonly #kv: KVNamespace;

  constructor(kv: KVNamespace) {
    this.#kv = kv;
  }

  async byHash(hash: string): Promise<KeyRecord | null> {
    const hit = this.#cache.get(hash);
    if (hit && hit.until > Date.now()) return hit.record;
    const record = await this.#kv.get<KeyRecord>(PREFIX + hash, 'json');
    if (this.#cache.size >= CACHE_ENTRIES) this.#cache.clear();
    this.#cache.set(hash, { record, until: Date.now() + CACHE_MS });
    return record;
  }

  /** By id through `id:<id>` (which holds the digest): a read, not a list, since KV lists lag behind writes. */
  async byId(id: string): Promise<KeyRecord | null> {
    const hash = /^key_[0-9a-f]{16}$/.test(id) ? await this.#kv.get(ID_PREFIX + id) : null;
    return hash ? this.#kv.get<KeyRecord>(PREFIX + hash, 'json') : null;
  }

  async list(): Promise<KeyRecord[]> {
    const names: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.#kv.list({ prefix: PREFIX, cursor });
      names.push(...page.keys.map((k) => k.name));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    const records = await Promise.all(names.map((name) => this.#kv.get<KeyRecord>(name, 'json')));
    return records.filter((r): r is KeyRecord => r !== null).sort((a, b) => a.created_at - b.created_at);
  }

  async put(record: KeyRecord): Promise<void> {
    await Promise.all([this.#kv.put(PREFIX + record.hash, JSON.stringify(record)), this.#kv.put(ID_PREFIX + record.id, record.hash)]);
    this.#cache.delete(record.hash);
  }

  async delete(record: KeyRecord): Promise<void> {
    await Promise.all([this.#kv.delete(PREFIX + record.hash), this.#kv.delete(ID_PREFIX + record.id)]);
    this.#cache.delete(record.hash);
  }
}
