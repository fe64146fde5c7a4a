import type { Price } from './price';

/** What one upstream run used, in the units prices are published in; absent = not measured. */
export interface Metered {
  inputTokens?: number;
  outputTokens?: number;
  /** Of inputTokens, those served from the prompt cache. */
  cachedTokens?: number;
  audioSeconds?: number;
  characters?: number;
  /** 512x512 tiles of the output image, of input images, and diffusion steps. */
  tiles?: number;
  inputTiles?: number;
  steps?: number;
  /** Upstream calls (1 per run unless said otherwise). */
  requests?: number;
}

/** A cost as answers carry it: USD (OpenRouter's `usage.cost`) and neurons; null = the model has no published price. */
export interface Cost {
  cost: number | null;
  neurons: number | null;
}

/** One upstream run's charge, as the request's meter receives it. */
export interface Charge extends Cost {
  /** The Workers AI model that ran. */
  model: string;
}

/** Workers AI bills $0.011 per 1,000 neurons (developers.cloudflare.com/workers-ai/platform/pricing). */
export const USD_PER_NEURON = 0.011 / 1000;

/** Float noise off: 12 significant digits are far finer than any price. */
const tidy = (x: number) => Number(x.toPrecision(12));

/**
 * USD for `m` at `price`, or null when the price is unknown or a priced quantity was not measured
 * (a guess would be worse than saying we do not know). Tokens are priced per million.
 */
export function costOf(price: Price | undefined, m: Metered): number | null {
  if (!price) return null;
  let usd = 0;
  const add = (rate: number | undefined, quantity: number | undefined, per = 1): boolean => {
    if (rate === undefined) return true;
    if (quantity === undefined || !Number.isFinite(quantity)) return false;
    usd += (rate * quantity) / per;
    return true;
  };
  const cached = price.cachedInput !== undefined ? Math.min(m.cachedTokens ?? 0, m.inputTokens ?? 0) : 0;
  const input = m.inputTokens === undefined ? undefined : m.inputTokens - cached;
  const steps = m.steps;
  const ok =
    add(price.input, input, 1e6) &&
    add(price.cachedInput, m.inputTokens === undefined ? undefined : cached, 1e6) &&
    add(price.output, m.outputTokens, 1e6) &&
    add(price.audioMinute, m.audioSeconds, 60) &&
    add(price.kChars, m.characters, 1000) &&
    add(price.tile, m.tiles) &&
    add(price.step, steps) &&
    add(price.inputTileStep, m.inputTiles === undefined || steps === undefined ? undefined : m.inputTiles * steps) &&
    add(price.outputTileStep, m.tiles === undefined || steps === undefined ? undefined : m.tiles * steps) &&
    add(price.request, m.requests ?? 1);
  return ok ? tidy(usd) : null;
}

/** The neuron equivalent of a USD cost (null stays null). */
export const neuronsOf = (usd: number | null): number | null => (usd === null ? null : tidy(usd / USD_PER_NEURON));

/** 512x512 tiles covering a width x height image (how Cloudflare counts image tiles). */
export const tilesOf = (width: number, height: number): number => Math.ceil(width / 512) * Math.ceil(height / 512);
