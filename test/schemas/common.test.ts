/**
 * The schema helpers that stand in for zod constructors the bundle no longer carries
 * (src/schemas/common.ts: tagged, int, recordOf, matching, looseObject, object): each is checked against the zod
 * original on the same inputs, issue for issue (code, path, message, and the fields
 * describeIssue reads), and for the same JSON Schema.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ChatCompletionRequest } from '../../src/schemas/chat';
import { int, looseObject, matching, object, optionalNullable, recordOf, tagged } from '../../src/schemas/common';

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

/**
 * `schema` with every looseObject / object stand-in inside it (at any depth: shapes, options,
 * elements, wrapped types) rebuilt as zod's own object class on the same definition.
 */
const asZod = (schema: z.ZodMiniType, done = new Map<unknown, unknown>()): z.ZodMiniType => {
  if (done.has(schema)) return done.get(schema) as z.ZodMiniType;
  const isSchema = (v: unknown): v is z.ZodMiniType => !!(v as z.ZodMiniType | undefined)?._zod?.traits?.has('$ZodType');
  const map = (v: unknown): unknown => (isSchema(v) ? asZod(v, done) : Array.isArray(v) ? v.map(map) : v);
  const def: Record<string, unknown> = { ...schema._zod.def };
  for (const [k, v] of Object.entries(def)) {
    if (k === 'checks') continue;
    def[k] = k === 'shape' ? Object.fromEntries(Object.entries(v as object).map(([key, s]) => [key, map(s)])) : map(v);
  }
  const Class = schema._zod.traits.has('ZodMiniSparseObject') ? z.ZodMiniObject : schema._zod.constr;
  const rebuilt = new (Class as new (def: unknown) => z.ZodMiniType)(def);
  done.set(schema, rebuilt);
  return rebuilt;
};

/** Everything a parse gives, in order: the issues (all of their fields) or the value, with its keys' order. */
const outcome = (schema: z.ZodMiniType, value: unknown, abortEarly?: boolean) => {
  const result = schema.safeParse(value, (abortEarly ? { abortEarly } : undefined) as never);
  return result.success ? { ok: order(result.data) } : { issues: result.error.issues };
};
/** A value's keys in order, and whether each object's prototype is still Object.prototype (a copied `__proto__` would change it). */
const order = (v: unknown): unknown =>
  v && typeof v === 'object'
    ? Array.isArray(v)
      ? v.map(order)
      : [Object.getPrototypeOf(v) === Object.prototype, Object.entries(v).map(([k, x]) => [k, order(x)])]
    : v;
/** A check that runs even after an abort and reports the (partial) value it was given: what a parse built before it stopped. */
const peek = z.refine(() => false, { when: () => true, error: (issue) => `${JSON.stringify(order(issue.input))}` });

const sameParse = (mine: z.ZodMiniType, values: unknown[], { jsonSchema = true } = {}) => {
  const theirs = asZod(mine);
  expect(theirs._zod.traits.has('ZodMiniSparseObject')).toBe(false);
  const [mine2, theirs2] = [mine.check(peek), theirs.check(peek)];
  for (const value of values) {
    for (const abortEarly of [false, true]) {
      expect(outcome(mine, value, abortEarly), `${JSON.stringify(value)} abortEarly=${abortEarly}`).toStrictEqual(outcome(theirs, value, abortEarly));
      expect(outcome(mine2, value, abortEarly), `${JSON.stringify(value)} abortEarly=${abortEarly}, peeked`).toStrictEqual(outcome(theirs2, value, abortEarly));
    }
  }
  if (jsonSchema) for (const io of ['input', 'output'] as const) expect(z.toJSONSchema(mine, { io })).toEqual(z.toJSONSchema(theirs, { io }));
};

describe('looseObject and object (z.looseObject, z.object)', () => {
  const shape = {
    id: z.string().check(z.minLength(2)),
    n: z.optional(int().check(z.gte(1))),
    s: optionalNullable(z.string().check(z.maxLength(3))),
    d: z._default(z.number(), 7),
    od: z.optional(z._default(z.number(), 8)),
    pf: z.prefault(z.string(), 'p'),
    // Absent, this fails (its default does not pass its check), and zod drops the failure and the key.
    odc: z.optional(z._default(z.string(), 'x')).check(z.refine((v) => v !== 'x')),
    c: z.catch(z.string(), 'caught'),
    u: z.unknown(),
    un: z.optional(z.unknown()),
    nested: z.optional(looseObject({ a: z.string(), b: z.optional(z.boolean()) })),
    list: z.optional(z.array(object({ k: z.literal('x'), v: z.optional(z.number()) }))),
    checked: z.optional(z.string()).check(z.check((ctx) => void (ctx.value === 'bad' && ctx.issues.push({ code: 'custom', input: ctx.value, message: 'bad' })))),
  };
  const values = [
    {},
    { id: 'ab', u: 1 },
    { id: 'ab', u: undefined },
    { id: 'a', n: 0, s: 'long', u: 1 },
    { id: 3, n: 1.5, d: 'x', od: null, pf: 4, c: 5, extra: [1], u: null },
    { zeta: 1, u: 2, id: 'abc', alpha: 2, d: undefined, od: undefined, s: null, n: undefined },
    { id: 'abc', u: 0, nested: { a: 'x', more: true } },
    { id: 'abc', u: 0, nested: { a: 1, b: 'no' }, list: [{ k: 'x', v: 1, extra: 2 }, { k: 'y' }, 3] },
    { id: 'abc', u: 0, checked: 'bad' },
    { id: 'abc', u: 0, checked: 'ok', un: 'anything' },
    JSON.parse('{"__proto__": {"polluted": true}, "id": "abc", "u": 1}'),
    Object.assign(Object.create({ inherited: 1, id: 'from-proto' }), { u: 1 }),
    Object.assign(Object.create({ n: 0, extra: 1 }), { id: 'ab', u: 1 }),
    // `n` is in it (inherited) but not listed by for...in (not enumerable).
    Object.assign(Object.create(Object.defineProperty({}, 'n', { value: 0 })), { id: 'ab', u: 1 }),
    Object.assign(Object.create(null), { id: 'ab', u: 1, n: 0, zeta: 2 }),
    [],
    null,
    'abc',
    undefined,
  ];

  it('parses and fails as zod does: the same value and key order, the same issues in order, with abortEarly too, and the same JSON Schema', () => {
    sameParse(looseObject(shape), values);
    sameParse(object(shape), values);
    sameParse(z.array(looseObject(shape)), [values.slice(0, 6), [{ id: 'x' }, { id: 'xy', u: 1 }]]);
  });

  it('leaves out or keeps an absent key whose default is undefined as zod does (no JSON Schema: zod cannot write that default)', () => {
    const defaults = { du: z._default(z.optional(z.string()), undefined as never), odu: z.optional(z._default(z.optional(z.string()), undefined as never)) };
    sameParse(looseObject(defaults), [{}, { du: 'x' }, { odu: undefined }], { jsonSchema: false });
  });

  it('reads a key as present the way zod does (`in`, so an inherited name is present), and skips a declared __proto__', () => {
    sameParse(looseObject({ constructor: z.optional(z.string()), toString: z.optional(z.unknown()) }), [{}, { constructor: 'x' }]);
    // A declared `__proto__` is never run nor copied by zod.
    sameParse(looseObject({ ['__proto__']: z.optional(z.string()), a: z.optional(z.number()) }), [{}, JSON.parse('{"__proto__": 5, "a": 1}')]);
  });

  it('parses as zod does when cloned with checks, extended or given another catch-all', () => {
    const base = looseObject(shape);
    sameParse(base.check(z.refine((v) => v.id !== 'no')), [...values, { id: 'no', u: 1 }]);
    sameParse(z.extend(base, { more: z.optional(z.string()) }), [...values, { id: 'ab', u: 1, more: 2 }]);
    sameParse(z.catchall(base, z.string()), [...values, { id: 'ab', u: 1, extra: 2 }]);
    expect(z.extend(base, {})._zod.traits.has('ZodMiniSparseObject')).toBe(true);
  });

  it('sees an enumerable key Object.prototype gains as present, as zod\'s `key in input` does', () => {
    const mine = looseObject({ id: z.string(), n: z.optional(z.number()) });
    const theirs = asZod(mine);
    const proto = Object.prototype as { n?: unknown };
    expect(outcome(mine, { id: 'x' })).toStrictEqual(outcome(theirs, { id: 'x' }));
    try {
      proto.n = 'not a number';
      expect(outcome(mine, { id: 'x' })).toStrictEqual(outcome(theirs, { id: 'x' }));
      expect(outcome(mine, { id: 'x' })).not.toHaveProperty('ok');
    } finally {
      delete proto.n;
    }
  });

  it('parses as zod does past its 64 remembered sets of optional keys present', () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const schema = looseObject({ id: z.string(), ...Object.fromEntries(keys.map((k) => [k, z.optional(z.number())])) });
    const values = Array.from({ length: 128 }, (_, mask) => ({ id: 'x', ...Object.fromEntries(keys.filter((_, i) => mask & (1 << i)).map((k, i) => [k, i % 3 ? i : 'no'])) }));
    sameParse(schema, values);
  });

  it('does not run the schema of an absent optional key (what it is for)', () => {
    let runs = 0;
    const counted = z.optional(z.string()).check(z.check(() => void runs++));
    const schema = looseObject({ a: counted, b: z.nullable(counted) });
    expect(schema.safeParse({}).success).toBe(true);
    expect(runs).toBe(0);
    expect(schema.safeParse({ a: 'x' }).success).toBe(true);
    expect(runs).toBe(1);
    expect(asZod(schema).safeParse({}).success).toBe(true);
    expect(runs).toBe(3);
  });

  it('gives the chat request the same outcome as zod\'s objects would, and the same JSON Schema', () => {
    const model = '@cf/meta/llama-3.1-8b-instruct-fast';
    const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }];
    sameParse(ChatCompletionRequest, [
      { model, messages },
      { model, messages, stream: true, stream_options: { include_usage: true }, max_tokens: 10, temperature: 0.2, extra: 'kept' },
      { messages, model, top_p: null, stop: ['a', 'b'], n: 2, seed: 3, user: 'u', metadata: { a: 'b' }, logit_bias: { 1: 2 } },
      {
        model,
        messages: [
          { role: 'developer', content: [{ type: 'text', text: 'x' }], name: 'd' },
          { role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'image_url', image_url: { url: 'data:,' } }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{}' } }] },
          { role: 'tool', content: 'r', tool_call_id: 't' },
          { role: 'function', content: null, name: 'f' },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
        tool_choice: { type: 'function', function: { name: 'f' } },
        response_format: { type: 'json_schema', json_schema: { name: 's', schema: {} } },
        thinking: { type: 'enabled', budget_tokens: 100 },
        prediction: { type: 'content', content: 'x' },
      },
      {},
      { model },
      { model: '', messages: [] },
      { model, messages: [{ role: 'user' }] },
      { model, messages: [{ role: 'wizard', content: 'x' }] },
      { model, messages: [{ role: 'user', content: [{ type: 'input_audio' }, { type: 'text' }] }] },
      { model, messages, temperature: 3, top_p: -1, max_tokens: 0, n: 1.5, stop: Array(17).fill('x') },
      { model, messages, tools: [{ type: 'function', function: { name: '' } }], tool_choice: 'sometimes' },
      { model, messages, response_format: { type: 'xml' }, reasoning_effort: 'max', thinking: { type: 'on' } },
      { model: 3, messages: 'hi', stream: 'yes', metadata: { a: 1 }, prompt_cache_key: 'k'.repeat(257) },
      [messages],
      null,
    ]);
  });
});
