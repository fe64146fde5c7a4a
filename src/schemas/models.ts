import * as z from 'zod/mini';
import { PROTOCOLS } from '../services/models/protocols';

/** GET /v1/models query: `protocol` narrows the list to one task (see docs/models.md). */
export const ListModelsQuery = z.object({ protocol: z.optional(z.enum(PROTOCOLS)) });
