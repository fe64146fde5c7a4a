/**
 * What a request cost: the catalog's published price times what the upstream reports (tokens,
 * audio seconds, characters, tiles and steps), in USD and in Workers AI neurons. Every surface
 * (OpenAI, Ollama, Anthropic) prices through here and reports each upstream run to the request's
 * meter (services.request.onCharge), which the ledger and the x-request-cost header read.
 */
import type { RequestScope } from '../scope';
import type { CatalogModel } from '../upstream';
import type { Usage } from '../usage';
import { costOf, neuronsOf, type Cost, type Metered } from './cost';
import { priceOf } from './price';

export { costOf, neuronsOf, tilesOf, USD_PER_NEURON, type Charge, type Cost, type Metered } from './cost';
export { parsePrice, priceOf, type Price } from './price';


export function costFor(entry: CatalogModel | undefined, metered: Metered): Cost {
  const cost = costOf(priceOf(entry), metered);
  return { cost, neurons: neuronsOf(cost) };
}

/** Token usage with its cost; cached prompt tokens (prefix caching) are billed at the cached rate where there is one. */
export function pricedUsage<U extends Usage>(entry: CatalogModel | undefined, usage: U): U & Cost {
  return {
    ...usage,
    ...costFor(entry, { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, cachedTokens: usage.prompt_tokens_details?.cached_tokens }),
  };
}

/** Sums costs; any unknown (or unpriced) part makes the sum unknown. */
export function sumCosts(costs: readonly { cost?: number | null }[]): Cost {
  let usd: number | null = 0;
  for (const c of costs) usd = usd === null || c.cost == null ? null : usd + c.cost;
  const cost = usd === null ? null : Number(usd.toPrecision(12));
  return { cost, neurons: neuronsOf(cost) };
}

/** Reports one finished upstream run to the request's meter (the ledger, the cost header, the log line). */
export function charge(services: { request?: RequestScope }, model: string, cost: Cost): void {
  services.request?.onCharge?.({ model, cost: cost.cost, neurons: cost.neurons });
}
