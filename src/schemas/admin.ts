import * as z from 'zod/mini';
import { int, matching } from './common';

/** USD amounts: positive, bounded so a typo cannot read as "unlimited"; null = no such budget. */
const usd = z.nullable(z.number().check(z.gt(0), z.lte(1_000_000)));

const name = z.string().check(z.trim(), z.minLength(1), z.maxLength(100));

/**
 * What an operator sets on a managed key besides its name (POST and PATCH /admin/keys). Both
 * request schemas are written out from it with every field optional, rather than derived with
 * z.partial / z.extend, whose helpers cost 0.4 KiB gzip of bundle for these two lines.
 */
const settings = {
  /** Workers AI ids or patterns (`@cf/meta/*`); empty = every model. */
  models: z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))).check(z.maxLength(100)),
  daily_budget_usd: usd,
  monthly_budget_usd: usd,
  rpm: z.nullable(int().check(z.gte(1), z.lte(1_000_000))),
  /** Unix seconds; null = never. */
  expires_at: z.nullable(int().check(z.gte(0))),
  disabled: z.boolean(),
};
const optionalSettings = Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, z.optional(v)])) as {
  [K in keyof typeof settings]: z.ZodMiniOptional<(typeof settings)[K]>;
};

const KeySettings = z.strictObject({ name, ...settings });
export type KeySettings = z.infer<typeof KeySettings>;

export const UpdateKeyRequest = z.strictObject({ name: z.optional(name), ...optionalSettings });
export type UpdateKeyRequest = z.infer<typeof UpdateKeyRequest>;

export const CreateKeyRequest = z.strictObject({ name, ...optionalSettings });
export type CreateKeyRequest = z.infer<typeof CreateKeyRequest>;

const day = matching(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');

/** GET /admin/usage: one key or all, over UTC days from..to (inclusive). */
export const UsageQuery = z.strictObject({ key: z.optional(z.string()), from: z.optional(day), to: z.optional(day) });
export type UsageQuery = z.infer<typeof UsageQuery>;
