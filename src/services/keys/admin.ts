import { invalidValue } from '../../errors';
import { sha256Hex } from '../../lib/hash';
import { randomBase64Url } from '../../lib/random';
import type { CreateKeyRequest, UpdateKeyRequest, UsageQuery } from '../../schemas/admin';
import { neuronsOf } from '../billing';
import { keyNotFound } from './errors';
import type { ManagedKeys } from './index';
import type { KeyRecord, Spend } from './types';
import { dayOf } from './windows';

/** A key as the admin API shows it: everything but the digest. */
export const keyView = ({ hash: _hash, ...shown }: KeyRecord) => ({ object: 'managed_key' as const, ...shown });

/** Creates a key; its secret is in this answer only (KV keeps its SHA-256). */
export async function createKey(keys: ManagedKeys, body: CreateKeyRequest) {
  // 24 random bytes: 192 bits, as unguessable as a key needs to be.
  const secret = `sk-wai-${randomBase64Url(24)}`;
  const hash = await sha256Hex(secret);
  const record: KeyRecord = {
    models: [],
    daily_budget_usd: null,
    monthly_budget_usd: null,
    rpm: null,
    expires_at: null,
    disabled: false,
    ...body,
    id: `key_${hash.slice(0, 16)}`,
    hash,
    redacted_value: `${secret.slice(0, 7)}...${secret.slice(-4)}`,
    created_at: Math.floor(Date.now() / 1000),
  };
  await keys.store.put(record);
  return { ...keyView(record), secret };
}

export async function getKey(keys: ManagedKeys, id: string): Promise<KeyRecord> {
  const record = await keys.store.byId(id);
  if (!record) throw keyNotFound(id);
  return record;
}

export async function updateKey(keys: ManagedKeys, id: string, patch: UpdateKeyRequest) {
  const record: KeyRecord = { ...(await getKey(keys, id)), ...patch };
  await keys.store.put(record);
  return keyView(record);
}

/** The key stops working; its ledger stays in its Durable Object, but reports list only existing keys (disable a key to keep it in them). */
export async function deleteKey(keys: ManagedKeys, id: string) {
  await keys.store.delete(await getKey(keys, id));
  return { object: 'managed_key.deleted', id, deleted: true };
}

const MAX_REPORT_DAYS = 366;

/** Validated UTC days: a real date (2026-02-30 is not), from before to, at most a year apart. */
function reportRange(q: UsageQuery): { from: string; to: string } {
  const to = q.to ?? dayOf(Date.now());
  const from = q.from ?? `${to.slice(0, 7)}-01`;
  for (const [param, day] of [['from', from], ['to', to]] as const) {
    const ms = Date.parse(`${day}T00:00:00Z`);
    if (!Number.isFinite(ms) || dayOf(ms) !== day) throw invalidValue(param, `${param}: ${day} is not a date (YYYY-MM-DD).`);
  }
  const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (span < 0) throw invalidValue('from', `from (${from}) is after to (${to}).`);
  if (span >= MAX_REPORT_DAYS) throw invalidValue('from', `A report spans at most ${MAX_REPORT_DAYS} days.`);
  return { from, to };
}

const add = (into: Spend, s: Spend) => {
  into.cost = Number((into.cost + s.cost).toPrecision(12));
  into.runs += s.runs;
  into.unpriced += s.unpriced;
};
const zero = (): Spend => ({ cost: 0, runs: 0, unpriced: 0 });

/** Spend per model, per day and per key over a range of UTC days, from each key's ledger. */
export async function usageReport(keys: ManagedKeys, q: UsageQuery) {
  const { from, to } = reportRange(q);
  const records = q.key ? [await getKey(keys, q.key)] : await keys.store.list();
  const ledgers = await Promise.all(records.map((r) => keys.ledger.usage(r.id, from, to)));
  const total = zero();
  const models = new Map<string, Spend>();
  const days = new Map<string, Spend & { models: Record<string, Spend> }>();
  const perKey = records.map((record, i) => {
    const spend = zero();
    for (const { date, models: byModel } of ledgers[i]!) {
      const day = days.get(date) ?? { ...zero(), models: {} };
      days.set(date, day);
      for (const [model, s] of Object.entries(byModel)) {
        for (const into of [spend, total, day, (day.models[model] ??= zero())]) add(into, s);
        if (!models.has(model)) models.set(model, zero());
        add(models.get(model)!, s);
      }
    }
    return { id: record.id, name: record.name, ...spend };
  });
  return {
    object: 'usage_report',
    from,
    to,
    key: q.key ?? null,
    total: { ...total, neurons: neuronsOf(total.cost) },
    models: [...models].map(([model, s]) => ({ model, ...s })).sort((a, b) => b.cost - a.cost),
    days: [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, d]) => ({ date, ...d })),
    keys: perKey,
  };
}
