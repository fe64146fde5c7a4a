import type { KeySettings } from '../../schemas/admin';

/** A managed key as stored in KEYS (under `key:<sha256 hex of the secret>`): never the secret itself. */
export interface KeyRecord extends KeySettings {
  id: string;
  /** SHA-256 of the secret, lower-case hex. */
  hash: string;
  /** The secret's first and last characters, so an operator can tell keys apart. */
  redacted_value: string;
  created_at: number;
}

/** What the ledger enforces for one key; null = no such limit. */
export type Limits = Pick<KeySettings, 'daily_budget_usd' | 'monthly_budget_usd' | 'rpm'>;

/** The ledger's answer to "may this request run?": a hold to settle later, or why not. */
export type Admission =
  | { ok: true; hold: string }
  | { ok: false; reason: 'rpm' | 'held'; retryAfter: number }
  | { ok: false; reason: 'budget'; window: 'daily' | 'monthly'; limit: number; spent: number; resetAt: number };

/** One model's spend on one UTC day: USD, upstream runs, and runs whose model has no price. */
export interface Spend {
  cost: number;
  runs: number;
  unpriced: number;
}

export interface UsageDay {
  date: string;
  models: Record<string, Spend>;
}

/** A settled run as the ledger records it (cost null = the model has no published price). */
export interface SettledRun {
  model: string;
  cost: number | null;
}

/**
 * The per-key spend counter and ledger (a Durable Object per key in production), as the
 * services see it: plain calls, so neither Hono nor the binding leaks into them.
 */
export interface LedgerClient {
  admit(keyId: string, model: string, limits: Limits): Promise<Admission>;
  settle(keyId: string, hold: string, runs: readonly SettledRun[]): Promise<void>;
  usage(keyId: string, from: string, to: string): Promise<UsageDay[]>;
}
