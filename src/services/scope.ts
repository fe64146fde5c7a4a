import type { Charge } from './billing/cost';

/**
 * What one request carries into the services, set by middleware and routes (never Hono's context):
 * who is calling, what to tell AI Gateway, and where costs and the answering model are reported.
 */
export interface RequestScope {
  /** The managed key's name, when the caller used one. */
  keyName?: string;
  /** The request's `user` and `metadata`, sent as AI Gateway metadata with the key name. */
  user?: string;
  metadata?: Readonly<Record<string, unknown>>;
  /** Each finished upstream run's cost (a request may run several: n > 1, batches, failover). */
  onCharge?(charge: Charge): void;
  /**
   * Aliases of this caller only, consulted before MODEL_ALIASES: the hook for a managed key's
   * default model or failover chain (`{ "default": ["@cf/a", "@cf/b"] }`).
   */
  aliases?: Readonly<Record<string, string | readonly string[]>>;
  /** The Workers AI model that answered, when routing chose it (failover chains, `model: "auto"`). */
  onModel?(model: string): void;
}
