import type { Admission, Limits, SettledRun, Spend, UsageDay } from './types';
import { dayOf, monthOf, resetOf } from './windows';

/** Longer than any upstream wait (UPSTREAM_TIMEOUT_SECONDS, stream idle): a hold never settled (a crashed isolate) lapses then. */
const HOLD_MS = 15 * 60_000;
const MINUTE_MS = 60_000;

/** What admission needs, kept under one storage key: open holds, the last minute's admissions, per-model estimates. */
interface Counters {
  holds: Record<string, { usd: number; model: string; until: number }>;
  recent: number[];
  /** The most one request to each model has cost this key: the next request's reservation. */
  estimate: Record<string, number>;
}

type DayTotals = Record<string, Spend>;

const tidy = (x: number) => Number(x.toPrecision(12));

/**
 * The Durable Object behind each managed key (KEY_LEDGER, one per key id): the spend counter,
 * the requests-per-minute window and the per-day per-model ledger. Every operation runs alone
 * (one queue), so admitting is atomic: a request RESERVES its estimate before the upstream call,
 * and concurrent requests see each other's holds before any cost lands. A plain class with
 * fetch (no `cloudflare:workers` import), so the production bundle and the test pool share it.
 */
export class KeyLedger {
  #counters: Counters = { holds: {}, recent: [], estimate: {} };
  /** This UTC month's day totals, read once per month: the monthly budget sums them. */
  #month?: { id: string; days: Map<string, DayTotals> };
  #queue: Promise<unknown> = Promise.resolve();

  readonly #state: DurableObjectState;

  constructor(state: DurableObjectState) {
    this.#state = state;
    void state.blockConcurrencyWhile(async () => {
      this.#counters = (await state.storage.get<Counters>('counters')) ?? this.#counters;
    });
  }

  async fetch(request: Request): Promise<Response> {
    const op = new URL(request.url).pathname;
    const args = await request.json<any>();
    const run = (): Promise<unknown> =>
      op === '/admit' ? this.#admit(args.model, args.limits) : op === '/settle' ? this.#settle(args.hold, args.runs) : this.#usage(args.from, args.to);
    const result = (this.#queue = this.#queue.then(run, run));
    return Response.json((await result) ?? null);
  }

  async #days(now: number): Promise<Map<string, DayTotals>> {
    const id = monthOf(now);
    if (this.#month?.id !== id) {
      const listed = await this.#state.storage.list<DayTotals>({ prefix: `d:${id}` });
      this.#month = { id, days: new Map([...listed].map(([k, v]) => [k.slice(2), v])) };
    }
    return this.#month.days;
  }

  async #admit(model: string, limits: Limits): Promise<Admission> {
    const now = Date.now();
    const c = this.#counters;
    for (const [id, hold] of Object.entries(c.holds)) if (hold.until <= now) delete c.holds[id];
    c.recent = c.recent.filter((t) => t > now - MINUTE_MS);
    if (limits.rpm && c.recent.length >= limits.rpm) {
      return { ok: false, reason: 'rpm', retryAfter: Math.max(1, Math.ceil((c.recent[0]! + MINUTE_MS - now) / 1000)) };
    }
    let room = Infinity;
    if (limits.daily_budget_usd || limits.monthly_budget_usd) {
      const days = await this.#days(now);
      const today = dayOf(now);
      const held = Object.values(c.holds).reduce((sum, h) => sum + h.usd, 0);
      const spentOn = (date: string) => Object.values(days.get(date) ?? {}).reduce((sum, s) => sum + s.cost, 0);
      const windows = [
        ['daily', limits.daily_budget_usd, () => spentOn(today)],
        ['monthly', limits.monthly_budget_usd, () => [...days.keys()].reduce((sum, d) => sum + spentOn(d), 0)],
      ] as const;
      for (const [window, limit, spentIn] of windows) {
        if (!limit) continue;
        const spent = tidy(spentIn());
        if (spent >= limit) return { ok: false, reason: 'budget', window, limit, spent, resetAt: resetOf(window, now) };
        // Not spent yet, but promised to requests in flight: retrying once they finish may pass.
        if (tidy(spent + held) >= limit) return { ok: false, reason: 'held', retryAfter: 1 };
        room = Math.min(room, limit - spent - held);
      }
    }
    // A model this key has not paid for yet reserves all that is left: it runs alone until its cost is known.
    const usd = room === Infinity ? 0 : Math.min(room, c.estimate[model] ?? room);
    const hold = crypto.randomUUID();
    c.holds[hold] = { usd, model, until: now + HOLD_MS };
    if (limits.rpm) c.recent.push(now);
    void this.#state.storage.put('counters', c);
    return { ok: true, hold };
  }

  async #settle(hold: string, runs: readonly SettledRun[]): Promise<void> {
    const now = Date.now();
    const c = this.#counters;
    const held = c.holds[hold];
    delete c.holds[hold];
    if (runs.length) {
      const today = dayOf(now);
      const days = await this.#days(now);
      const totals = days.get(today) ?? {};
      for (const { model, cost } of runs) {
        const spend = (totals[model] ??= { cost: 0, runs: 0, unpriced: 0 });
        spend.runs++;
        if (cost === null) spend.unpriced++;
        else spend.cost = tidy(spend.cost + cost);
      }
      days.set(today, totals);
      void this.#state.storage.put(`d:${today}`, totals);
      if (held) {
        const paid = tidy(runs.reduce((sum, r) => sum + (r.cost ?? 0), 0));
        c.estimate[held.model] = Math.max(c.estimate[held.model] ?? 0, paid);
      }
    }
    void this.#state.storage.put('counters', c);
  }

  async #usage(from: string, to: string): Promise<UsageDay[]> {
    const listed = await this.#state.storage.list<DayTotals>({ start: `d:${from}`, end: `d:${to}~` });
    return [...listed].map(([key, models]) => ({ date: key.slice(2), models }));
  }
}
