/**
 * The schema helpers that stand in for zod constructors the bundle no longer carries
 * (src/schemas/common.ts: tagged, int, recordOf, matching): each is checked against the zod
 * original on the same inputs, issue for issue (code, path, message, and the fields
 * describeIssue reads), and for the same JSON Schema.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { int, matching, recordOf, tagged } from '../../src/schemas/common';

/** What a client's error is built from: the issues without zod's internal references. */
const issuesOf = (schema: z.ZodMiniType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) return { ok: result.data };
  return { issues: result.error.issues.map(({ code, path, message, ...rest }) => ({ code, path, message, ...pick(rest) })) };
};
const pick = (rest: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(rest).filter(([k]) => ['expected', 'note', 'minimum', 'maximum', 'origin', 'inclusive', 'discriminator', 'options', 'keys'].includes(k)));

const same = (mine: z.ZodMiniType, theirs: z.ZodMiniType, values: unknown[]) => {
  for (const value of values) expect(issuesOf(mine, value), JSON.stringify(value)).toEqual(issuesOf(theirs, value));
  expect(z.toJSONSchema(mine, { io: 'input' })).toEqual(z.toJSONSchema(theirs, { io: 'input' }));
};

describe('tagged (z.discriminatedUnion)', () => {
  const options = [
    z.looseObject({ role: z.literal('user'), content: z.string() }),
    z.looseObject({ role: z.enum(['assistant', 'model']), content: z.optional(z.string()), n: z.optional(int()) }),
  ] as const;
  const values = [
    { role: 'user', content: 'hi' },
    { role: 'user' },
    { role: 'user', content: 3 },
    { role: 'model', n: 1.5 },
    { role: 'assistant', extra: true },
    { role: 'wizard', content: 'x' },
    {},
    [],
    null,
    'user',
  ];

  it('parses and fails as z.discriminatedUnion does, with the same JSON Schema (oneOf)', () => {
    same(tagged('role', options), z.discriminatedUnion('role', options), values);
  });

  it('keeps parsing by the tag when wrapped, nested or given checks (a clone)', () => {
    same(z.array(tagged('role', options)), z.array(z.discriminatedUnion('role', options)), [values.slice(0, 3), [{ role: 'wizard' }]]);
    const mine = tagged('role', options).check(z.refine(() => true));
    expect(issuesOf(mine, { role: 'wizard' })).toEqual(issuesOf(z.discriminatedUnion('role', options), { role: 'wizard' }));
  });
});

describe('int (z.int)', () => {
  it('refuses fractions and unsafe integers as z.int() does, with the same JSON Schema', () => {
    const values = [0, -3, 42, 1.5, 2 ** 60, -(2 ** 60), '3', Number.NaN, Infinity, null];
    same(int(), z.int(), values);
    same(int().check(z.gte(1), z.lte(10)), z.int().check(z.gte(1), z.lte(10)), [0, 5, 11, 2.5, 2 ** 60]);
  });
});

describe('recordOf (z.record with string keys)', () => {
  it('validates each value at its key, as z.record(z.string(), ...) does', () => {
    const values = [{}, { a: 1, b: 2 }, { a: 'x' }, { a: 1, b: null }];
    for (const value of values) expect(issuesOf(recordOf(z.number()), value)).toEqual(issuesOf(z.record(z.string(), z.number()), value));
  });

  it('refuses what is not an object (saying object, where z.record says record)', () => {
    for (const value of [[], 'x', 3, null]) {
      expect(issuesOf(recordOf(z.number()), value)).toEqual({ issues: [{ code: 'invalid_type', path: [], message: 'Invalid input', expected: 'object' }] });
    }
  });
});

describe('matching (z.regex)', () => {
  it('accepts and refuses what z.regex does, with the given message', () => {
    const day = /^\d{4}-\d{2}-\d{2}$/;
    for (const value of ['2026-12-01', '2026-1-1', 'x', '']) {
      expect(matching(day).safeParse(value).success).toBe(z.string().check(z.regex(day)).safeParse(value).success);
    }
    expect(issuesOf(matching(day, 'expected a date'), 'x')).toEqual({ issues: [{ code: 'custom', path: [], message: 'expected a date' }] });
    expect(issuesOf(matching(day), 3)).toEqual(issuesOf(z.string().check(z.regex(day)), 3));
  });
});
