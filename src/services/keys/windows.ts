/** The UTC calendar windows budgets are counted in: a day resets at 00:00 UTC, a month on its 1st. */

/** YYYY-MM-DD of the UTC day holding `ms`. */
export const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** YYYY-MM of the UTC month holding `ms`. */
export const monthOf = (ms: number): string => dayOf(ms).slice(0, 7);

/** When the day (or month) holding `ms` ends, in ms. */
export function resetOf(window: 'daily' | 'monthly', ms: number): number {
  const d = new Date(ms);
  return window === 'daily'
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
    : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
