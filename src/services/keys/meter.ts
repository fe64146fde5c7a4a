import { globMatch } from '../../lib/glob';
import type { Charge } from '../billing';
import type { Upstream } from '../upstream';
import { admissionRefused, ledgerUnavailable, modelNotAllowed } from './errors';
import type { KeyRecord, LedgerClient, SettledRun } from './types';

/** Whether the key may run this Workers AI model: no patterns = every model. */
export const modelAllowed = (key: KeyRecord, model: string): boolean => key.models.length === 0 || key.models.some((p) => globMatch(p, model));

/**
 * One request on a managed key: its admission (one reservation, at its first upstream run), the
 * runs it paid for, and the settlement that turns the reservation into what was really spent.
 */
export class KeyMeter {
  #hold?: Promise<string>;
  readonly #runs: SettledRun[] = [];
  #settled = false;

  readonly #key: KeyRecord;
  readonly #ledger: LedgerClient;

  constructor(key: KeyRecord, ledger: LedgerClient) {
    this.#key = key;
    this.#ledger = ledger;
  }

  /** Before each upstream run: the model must be allowed; the first run reserves, later ones (n > 1, failover) share it. */
  async admit(model: string): Promise<void> {
    if (!modelAllowed(this.#key, model)) throw modelNotAllowed(this.#key, model);
    await (this.#hold ??= this.#reserve(model));
  }

  async #reserve(model: string): Promise<string> {
    const { daily_budget_usd, monthly_budget_usd, rpm } = this.#key;
    let admission;
    try {
      admission = await this.#ledger.admit(this.#key.id, model, { daily_budget_usd, monthly_budget_usd, rpm });
    } catch (err) {
      // Failing closed: an unmetered managed key could spend past its budget.
      console.error(JSON.stringify({ level: 'error', msg: 'key ledger admit failed', error: String(err) }));
      throw ledgerUnavailable();
    }
    if (!admission.ok) throw admissionRefused(this.#key, admission, Date.now());
    return admission.hold;
  }

  /** Each finished upstream run's cost (the request's onCharge meter). */
  record(charge: Charge): void {
    this.#runs.push({ model: charge.model, cost: charge.cost });
  }

  /** Once the answer is over (sent, streamed to its end, cancelled or failed): the hold becomes what was spent. */
  async settle(): Promise<void> {
    if (this.#settled || !this.#hold) return;
    this.#settled = true;
    const hold = await this.#hold.catch(() => undefined);
    if (!hold) return;
    try {
      await this.#ledger.settle(this.#key.id, hold, this.#runs);
    } catch (err) {
      // The hold lapses on its own (ledger-object.ts HOLD_MS); the spend is lost from the ledger, so say so.
      console.error(JSON.stringify({ level: 'error', msg: 'key ledger settle failed', key: this.#key.id, runs: this.#runs, error: String(err) }));
    }
  }
}

/** The upstream as one metered request sees it: every run admitted first; the catalog calls untouched. */
export const meteredUpstream = (upstream: Upstream, meter: KeyMeter): Upstream => ({
  kind: upstream.kind,
  models: () => upstream.models(),
  schema: (model) => upstream.schema(model),
  run: async (model, inputs, options) => {
    await meter.admit(model);
    return upstream.run(model, inputs, options);
  },
});
