/**
 * Model lifecycle: retirement, successors, paid-only models. The live catalog is authoritative
 * (a listed model without a past `planned_deprecation_date` is served); the generated table of
 * retired models (./lifecycle.generated.ts, from LIFECYCLE.md) speaks for models the catalog no
 * longer lists and names each one's successor.
 */
import { ApiError } from '../../errors';
import type { CatalogModel } from '../upstream';
import { PAID_ONLY, RETIRED } from './lifecycle.generated';

const DAY = /^\d{4}-\d{2}-\d{2}/;

function property(model: CatalogModel | undefined, id: string): unknown {
  return model?.properties?.find((p) => p.property_id === id)?.value;
}

/** Per catalog entry: looked up on every request (resolving, the Deprecation header), read once. */
const plannedDays = new WeakMap<CatalogModel, string | null>();

/** The catalog's `planned_deprecation_date` as a UTC day (YYYY-MM-DD), when it has a valid one. */
export function plannedDeprecation(model: CatalogModel | undefined): string | undefined {
  if (!model) return undefined;
  let day = plannedDays.get(model);
  if (day === undefined) {
    const raw = property(model, 'planned_deprecation_date');
    plannedDays.set(model, (day = typeof raw === 'string' && DAY.test(raw) ? raw.slice(0, 10) : null));
  }
  return day ?? undefined;
}

/** Midnight UTC of a YYYY-MM-DD day, in ms. */
const startOf = (day: string) => Date.parse(`${day}T00:00:00Z`);


export const isPast = (day: string, now = Date.now()) => startOf(day) <= now;

/** The retirement day of a model: its catalog date once past, else the table's date when the catalog lacks it. */
export function retiredOn(id: string, entry: CatalogModel | undefined, now = Date.now()): string | undefined {
  if (entry) {
    const day = plannedDeprecation(entry);
    return day && isPast(day, now) ? day : undefined;
  }
  const known = RETIRED[id]?.[0];
  return known && isPast(known, now) ? known : undefined;
}

/** The documented successor of a retired id (one step; the table's successors are live by construction). */
export const successorOf = (id: string): string | undefined => (Object.hasOwn(RETIRED, id) ? RETIRED[id]![1] : undefined);

/** A retired id the client may have shortened (`llama-3.1-8b-instruct`), as the catalog's short names work. */
export function retiredIdFor(name: string): string | undefined {
  if (Object.hasOwn(RETIRED, name)) return name;
  if (name.startsWith('@') || name.length < 3) return undefined;
  const hits = Object.keys(RETIRED).filter((id) => id.endsWith(`/${name}`));
  return hits.length === 1 ? hits[0] : undefined;
}

/** Needs the Workers Paid plan: the catalog's `require_workers_paid`, else the changelog's list. */
export function requiresPaidPlan(model: CatalogModel): boolean {
  const raw = property(model, 'require_workers_paid');
  if (raw !== undefined && raw !== null) return raw === true || String(raw).toLowerCase() === 'true';
  return PAID_ONLY.includes(model.name);
}

/** 410 for a retired model, naming its replacement when there is a live one. */
export function modelRetired(requested: string, day: string, replacement: string | undefined): ApiError {
  const use = replacement ? ` Use \`${replacement}\` instead.` : ' It has no replacement in the catalog.';
  return new ApiError(
    410,
    `The model \`${requested}\` was retired by Workers AI on ${day}.${use}`,
    'invalid_request_error',
    'model',
    'model_deprecated',
  );
}

const HTTP_DATE = (ms: number) => new Date(ms).toUTCString();

/**
 * Headers for a response from a model with a planned deprecation date: `Deprecation` (RFC 9745,
 * a structured-field date `@<unix seconds>`) and `Sunset` (RFC 8594, an HTTP-date), both at the
 * start of the planned day, when calls start failing.
 */
export function deprecationHeaders(day: string): Record<string, string> {
  const ms = startOf(day);
  return { Deprecation: `@${Math.floor(ms / 1000)}`, Sunset: HTTP_DATE(ms) };
}
