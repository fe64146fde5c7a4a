import * as z from 'zod/mini';
import { PROTOCOLS } from '../services/models/protocols';
import { matching, object } from './common';

/** GET /v1/models query: `protocol` narrows the list to one task (see docs/models.md). */
export const ListModelsQuery = object({ protocol: z.optional(z.enum(PROTOCOLS)) });

/** GET /v1/models with `anthropic-version`: Anthropic's paging parameters (limit 1-1000, default 20). */
export const AnthropicListModelsQuery = object({
  limit: z.optional(matching(/^(?:[1-9]\d{0,2}|1000)$/)),
  after_id: z.optional(z.string()),
  before_id: z.optional(z.string()),
});
