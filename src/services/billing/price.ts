import type { CatalogModel } from '../upstream';

/**
 * A model's published price (the catalog's `price` property), one rate per unit Cloudflare uses.
 * Units are matched exactly as the catalog spells them; a model with a unit this table does not
 * know, or a currency other than USD, has no usable price (its cost is null, never a guess).
 */
export interface Price {
  /** USD per million input (prompt) tokens. */
  input?: number;
  output?: number;
  /** USD per million cached input tokens (prefix caching); uncached input is billed at `input`. */
  cachedInput?: number;
  audioMinute?: number;
  /** USD per 1,000 characters of input text (text-to-speech). */
  kChars?: number;
  /** USD per 512x512 tile of the output image. */
  tile?: number;
  step?: number;
  /** USD per 512x512 tile per step, of input (reference) images and of the output (FLUX.2). */
  inputTileStep?: number;
  outputTileStep?: number;
  request?: number;
}

const UNITS: Readonly<Record<string, keyof Price>> = {
  'per M input tokens': 'input',
  'per M output tokens': 'output',
  'per M cached input tokens': 'cachedInput',
  'per audio minute': 'audioMinute',
  'per 1k characters': 'kChars',
  'per 512 by 512 tile': 'tile',
  'per step': 'step',
  'per input 512x512 tile, per step': 'inputTileStep',
  'per output 512x512 tile, per step': 'outputTileStep',
  'per inference request': 'request',
};

/** Rates for ways of calling a model this proxy does not use (nova-3 over a WebSocket). */
const NOT_SERVED = new Set(['per audio minute (websocket)']);

const cache = new WeakMap<CatalogModel, Price | null>();

/** The model's price, or undefined when the catalog gives none this proxy can apply. */
export function priceOf(entry: CatalogModel | undefined): Price | undefined {
  if (!entry) return undefined;
  let price = cache.get(entry);
  if (price === undefined) cache.set(entry, (price = parsePrice(entry.properties?.find((p) => p.property_id === 'price')?.value)));
  return price ?? undefined;
}

export function parsePrice(raw: unknown): Price | null {
  if (!Array.isArray(raw) || raw.length === 0) return null;
  const price: Price = {};
  for (const item of raw as { unit?: unknown; price?: unknown; currency?: unknown }[]) {
    if (typeof item?.unit !== 'string' || NOT_SERVED.has(item.unit)) continue;
    const key = UNITS[item.unit];
    const rate = typeof item.price === 'number' ? item.price : Number(item.price);
    if (!key || !Number.isFinite(rate) || rate < 0 || (item.currency ?? 'USD') !== 'USD') return null;
    price[key] = rate;
  }
  return Object.keys(price).length ? price : null;
}
