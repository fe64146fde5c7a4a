import type { LedgerClient } from './types';

/** The ledger over its Durable Object namespace (KEY_LEDGER): one object per key id, JSON over fetch. */
export function ledgerClient(namespace: DurableObjectNamespace): LedgerClient {
  const call = async (keyId: string, op: string, args: object): Promise<any> => {
    const res = await namespace.get(namespace.idFromName(keyId)).fetch(`https://ledger/${op}`, { method: 'POST', body: JSON.stringify(args) });
    if (!res.ok) throw new Error(`key ledger ${op} failed: HTTP ${res.status}`);
    return res.json();
  };
  return {
    admit: (keyId, model, limits) => call(keyId, 'admit', { model, limits }),
    settle: (keyId, hold, runs) => call(keyId, 'settle', { hold, runs }),
    usage: (keyId, from, to) => call(keyId, 'usage', { from, to }),
  };
}
