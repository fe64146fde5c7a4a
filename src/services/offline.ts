/**
 * What only the dev entry (src/dev.ts) adds: the offline emulator and in-memory stand-ins for
 * KV, Vectorize and D1. It is attached to an env object by src/dev.ts; the production entry never
 * attaches one, so none of src/dev/ is bundled there, and a deployment with no AI binding and no
 * credentials answers 503 proxy_misconfigured instead of synthetic output.
 */
import type { Env } from '../env';
import type { ChunkStore, VectorIndex } from './rag/types';
import type { Upstream } from './upstream/types';

/** The slice of KVNamespace the store uses, so the in-memory stand-in can take its place. */
export interface KvLike {
  get(key: string): Promise<string | null>;
  put(key: string, value: string, options: { expirationTtl: number }): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface OfflineKit {
  /** The emulator as `env` configures it (EMULATOR_PLAN, EMULATOR_FAULTS). */
  emulator(env: Env): Upstream;
  memoryKv(): KvLike;
  memoryVectorIndex(): VectorIndex;
  memoryChunkStore(): ChunkStore;
}

const kits = new WeakMap<object, OfflineKit>();

export const attachOffline = (env: object, kit: OfflineKit): void => void kits.set(env, kit);

export const offlineKitOf = (env: object): OfflineKit | undefined => kits.get(env);
