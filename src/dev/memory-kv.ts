import type { KvLike } from '../services/responses/store';

/** The emulator's stand-in for KV: a bounded map with expiry, in this isolate only. */
export class MemoryKv implements KvLike {
  private readonly entries = new Map<string, { value: string; expires: number }>();
  constructor(private readonly maxEntries = 1000) {}

  async get(key: string): Promise<string | null> {
    const e = this.entries.get(key);
    if (!e) return null;
    if (e.expires <= Date.now()) {
      this.entries.delete(key);
      return null;
    }
    return e.value;
  }

  async put(key: string, value: string, { expirationTtl }: { expirationTtl: number }): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, { value, expires: Date.now() + expirationTtl * 1000 });
    // The oldest go first when full: it is a stand-in for trying things out, not a database.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }
}
