import * as z from 'zod/mini';

/** USD amounts: positive, bounded so a typo cannot read as "unlimited"; null = no such budget. */
const usd = z.nullable(z.number().check(z.gt(0), z.lte(1_000_000)));

/** What an operator sets on a managed key (POST and PATCH /admin/keys). */
const KeySettings = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  /** Workers AI ids or patterns (`@cf/meta/*`); empty = every model. */
  models: z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))).check(z.maxLength(100)),
  daily_budget_usd: usd,
  monthly_budget_usd: usd,
  rpm: z.nullable(z.int().check(z.gte(1), z.lte(1_000_000))),
  /** Unix seconds; null = never. */
  expires_at: z.nullable(z.int().check(z.gte(0))),
  disabled: z.boolean(),
});
export type KeySettings = z.infer<typeof KeySettings>;

export const UpdateKeyRequest = z.partial(KeySettings);
export type UpdateKeyRequest = z.infer<typeof UpdateKeyRequest>;

export const CreateKeyRequest = z.extend(UpdateKeyRequest, { name: KeySettings.shape.name });
export type CreateKeyRequest = z.infer<typeof CreateKeyRequest>;

const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD'));

/** GET /admin/usage: one key or all, over UTC days from..to (inclusive). */
export const UsageQuery = z.strictObject({ key: z.optional(z.string()), from: z.optional(day), to: z.optional(day) });
export type UsageQuery = z.infer<typeof UsageQuery>;
