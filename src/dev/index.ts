/** The offline kit the dev entry attaches: the emulator and the in-memory stores. */
import type { Env } from '../env';
import { proxyMisconfigured as misconfigured } from '../errors';
import type { OfflineKit } from '../services/offline';
import { createEmulator } from './emulator';
import { MemoryKv } from './memory-kv';
import { MemoryChunkStore, MemoryVectorIndex } from './rag-memory';

export const offlineKit: OfflineKit = {
  emulator(env: Env) {
    console.warn(
      JSON.stringify({
        level: 'warn',
        msg: 'AI transport is the offline emulator: every response is SYNTHETIC. Configure the AI binding or CLOUDFLARE_ACCOUNT_ID + CLOUDFLARE_API_TOKEN for real models.',
      }),
    );
    const plan = env.EMULATOR_PLAN?.trim().toLowerCase();
    if (plan && plan !== 'free' && plan !== 'paid') throw misconfigured(`EMULATOR_PLAN must be free or paid (got "${plan}").`);
    return createEmulator({ plan: plan === 'free' ? 'free' : 'paid', ...(env.EMULATOR_FAULTS?.trim() && { faults: env.EMULATOR_FAULTS }) });
  },
  memoryKv: () => new MemoryKv(),
  memoryVectorIndex: () => new MemoryVectorIndex(),
  memoryChunkStore: () => new MemoryChunkStore(),
};
