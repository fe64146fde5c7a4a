/**
 * Managed keys: named client keys with model allowances, budgets and a per-minute limit,
 * defined in KV (KEYS) and metered by a Durable Object per key (KEY_LEDGER). Both bindings
 * bound = on; neither = off, and the proxy behaves as with PROXY_API_KEY alone.
 */
import type { Env } from '../../env';
import { ledgerClient } from './ledger-client';
import { KeyStore } from './store';
import type { LedgerClient } from './types';

export { KeyMeter, meteredUpstream, modelAllowed } from './meter';
export { keyRefusedAt } from './errors';
export type { KeyRecord, LedgerClient } from './types';

export interface ManagedKeys {
  store: KeyStore;
  ledger: LedgerClient;
}

/** The managed-key parts when both bindings are there (the admin API names a missing one). */
export const createManagedKeys = (env: Env): ManagedKeys | undefined =>
  env.KEYS && env.KEY_LEDGER ? { store: new KeyStore(env.KEYS), ledger: ledgerClient(env.KEY_LEDGER) } : undefined;
