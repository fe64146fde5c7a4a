/** The offline kit the dev entry attaches: the emulator and the in-memory stores. */
import type { OfflineKit } from '../services/offline';
import { createEmulator } from './emulator';
import { MemoryKv } from './memory-kv';
import { MemoryChunkStore, MemoryVectorIndex } from './rag-memory';

export const offlineKit: OfflineKit = {
  emulator: createEmulator,
  memoryKv: () => new MemoryKv(),
  memoryVectorIndex: () => new MemoryVectorIndex(),
  memoryChunkStore: () => new MemoryChunkStore(),
};
