import { toUpstreamError } from './normalize-error';
import { SESSION_AFFINITY_HEADER, type CatalogModel, type RunOptions, type Upstream } from './types';

const PAGE_SIZE = 100;
const MAX_PAGES = 20;

/** The deployed transport: the Workers AI binding itself, optionally through an AI Gateway. */
export function createBindingUpstream(ai: Ai, gateway?: RunOptions['gateway']): Upstream {
  return {
    kind: 'binding',
    async run(model, inputs, options: RunOptions = {}) {
      try {
        const gw = options.gateway ?? gateway;
        // rejectIfBusy is documented (changelog 2026-09-17) but not yet in @cloudflare/workers-types 5.20261117.1.
        // Set field by field (only those in use), not by spreads: this runs on every call.
        const o: AiOptions & { rejectIfBusy?: boolean } = {};
        if (options.signal) o.signal = options.signal;
        if (gw) o.gateway = options.metadata ? { ...gw, metadata: options.metadata } : gw;
        if (options.sessionAffinity) o.extraHeaders = { [SESSION_AFFINITY_HEADER]: options.sessionAffinity };
        if (options.rejectIfBusy) o.rejectIfBusy = true;
        // The binding's types only know literal model names; ids here come from the live catalog.
        return await (ai.run as (m: string, i: unknown, o: AiOptions & { rejectIfBusy?: boolean }) => Promise<unknown>)(model, inputs, o);
      } catch (err) {
        throw toUpstreamError(err);
      }
    },
    async models() {
      const all: CatalogModel[] = [];
      try {
        for (let page = 1; page <= MAX_PAGES; page++) {
          const batch = (await ai.models({ page, per_page: PAGE_SIZE })) as unknown as CatalogModel[];
          all.push(...batch);
          if (batch.length < PAGE_SIZE) break;
        }
      } catch (err) {
        throw toUpstreamError(err);
      }
      return all;
    },
    // The binding has no schema endpoint; callers fall back to built-in knowledge.
    async schema() {
      return null;
    },
  };
}
