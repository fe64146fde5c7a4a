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
        // The binding's types only know literal model names; ids here come from the live catalog.
        return await (ai.run as (m: string, i: unknown, o: AiOptions) => Promise<unknown>)(model, inputs, {
          ...(options.signal && { signal: options.signal }),
          ...((options.gateway ?? gateway) && { gateway: options.gateway ?? gateway }),
          ...(options.sessionAffinity && { extraHeaders: { [SESSION_AFFINITY_HEADER]: options.sessionAffinity } }),
        });
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
