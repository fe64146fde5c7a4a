import * as z from 'zod/mini';
import {
  $constructor,
  $ZodCheck,
  $ZodUnion,
  globalConfig,
  type $ZodCheckNumberFormatDef,
  type $ZodObjectDef,
  type $ZodUnionDef,
} from 'zod/v4/core';

/** `a.b[0].c` from a Zod issue path: the `param` of an OpenAI error. */
export function paramPath(path: readonly PropertyKey[]): string | null {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out || null;
}

type Issue = z.core.$ZodIssue;

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** A readable sentence for the first problem Zod found in `input` (zod/mini ships no locale messages). */
export function describeIssue(issue: Issue, input: unknown): string {
  const where = paramPath(issue.path);
  const subject = where ? `'${where}'` : 'the request body';
  if (where && (issue.code === 'invalid_type' || issue.code === 'invalid_union') && valueAt(input, issue.path) === undefined) {
    return `Missing required parameter: '${where}'.`;
  }
  switch (issue.code) {
    case 'invalid_type':
      return `Invalid type for ${subject}: expected ${issue.expected}.`;
    case 'too_small':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `${subject} is too short: expected at least ${issue.minimum} ${issue.origin === 'array' ? 'item(s)' : 'character(s)'}.`
        : `Invalid value for ${subject}: expected a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}.`;
    case 'too_big':
      return issue.origin === 'array' || issue.origin === 'string'
        ? `${subject} is too long: expected at most ${issue.maximum} ${issue.origin === 'array' ? 'item(s)' : 'character(s)'}.`
        : `Invalid value for ${subject}: expected a number ${issue.inclusive ? '<=' : '<'} ${issue.maximum}.`;
    case 'invalid_value':
      return `Invalid value for ${subject}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'invalid_union': {
      const nested = issue.errors.flat();
      // A single branch-independent cause (e.g. unknown discriminator) is more useful than "invalid input".
      if (('note' in issue && issue.note === 'No matching discriminator') || nested.length === 0) return `Invalid value for ${subject}.`;
      return `Invalid value for ${subject}: it matches none of the accepted forms.`;
    }
    case 'unrecognized_keys':
      return `Unrecognized parameter(s) in ${subject}: ${issue.keys.join(', ')}.`;
    default:
      return issue.message && issue.message !== 'Invalid input' ? issue.message : `Invalid value for ${subject}.`;
  }
}

/**
 * The issue behind a failed union when the value had the shape of exactly one of its forms (an
 * array for `string | Item[]`): that form's own first issue, with its full path, instead of
 * "matches none of the accepted forms". Other issues are returned as they are.
 */
export function narrowIssue(issue: Issue): Issue {
  if (issue.code !== 'invalid_union') return issue;
  const shaped = issue.errors.filter((branch) => !branch.every((e) => e.code === 'invalid_type' && e.path.length === 0));
  if (shaped.length !== 1 || !shaped[0]!.length) return issue;
  const inner = shaped[0]![0]!;
  return narrowIssue({ ...inner, path: [...issue.path, ...inner.path] } as Issue);
}

/**
 * A string matching `pattern`, by a plain check: z.regex would bring zod's string-format check
 * classes into the bundle (0.2 KiB gzip) for the two query parameters that use it.
 */
export const matching = (pattern: RegExp, message?: string) =>
  z.string().check(
    z.check((ctx) => {
      if (!pattern.test(ctx.value)) ctx.issues.push({ code: 'custom', input: ctx.value, ...(message && { message }) });
    }),
  );

/**
 * An object of any string keys whose values are all `value`: z.record(z.string(), value) as a
 * catch-all object, which validates the same (a non-object is refused, each value checked at its
 * key's path) without zod's record class and its key handling (0.5 KiB gzip of bundle). JSON
 * keys are strings, so the key schema had nothing to check.
 */
export const recordOf = <T extends z.core.SomeType>(value: T) => z.catchall(z.object({}), value);

/**
 * z.int() as a plain check on z.number(): the same issues (a fraction is `invalid_type`,
 * expected int; beyond the safe-integer range `too_big` / `too_small`), and the same definition
 * (a `number_format` check, format safeint), so zod's JSON Schema says `integer` with the same
 * bounds. zod's own number-format schema and check classes, with their tables of float and int32
 * ranges, would cost the bundle 0.4 KiB gzip for the one format used.
 */
const SAFE_INT = (() => {
  const def: $ZodCheckNumberFormatDef = { check: 'number_format', format: 'safeint', abort: false };
  const inst = new $ZodCheck(def);
  const range = { note: 'Integers must be within the safe integer range.', inst, origin: 'int', inclusive: true, continue: true } as const;
  inst._zod.check = (payload) => {
    const input = payload.value as number;
    if (!Number.isInteger(input)) payload.issues.push({ expected: 'int', format: 'safeint', code: 'invalid_type', continue: false, input, inst });
    else if (input > Number.MAX_SAFE_INTEGER) payload.issues.push({ input, code: 'too_big', maximum: Number.MAX_SAFE_INTEGER, ...range });
    else if (input < Number.MIN_SAFE_INTEGER) payload.issues.push({ input, code: 'too_small', minimum: Number.MIN_SAFE_INTEGER, ...range });
  };
  return inst;
})();
export const int = () => z.number().check(SAFE_INT);

/**
 * z.discriminatedUnion(key, options) as zod's own union class parsing by the tag: the option whose
 * `key` literal matches parses the value, and a value with no matching tag gets zod's own issue
 * (invalid_union at `key`, note "No matching discriminator"); the JSON Schema is the same
 * (oneOf). zod's discriminated-union class would add 0.4 KiB gzip to the bundle for what these
 * lines do (its fallback and encode paths are unused here).
 */
const initMiniType: (inst: z.ZodMiniType, def: z.core.$ZodTypeDef) => void = z.ZodMiniType.init;
const ZodMiniTagged = $constructor('ZodMiniTagged', (inst: z.ZodMiniUnion, def: $ZodUnionDef & { discriminator: string }) => {
  def.inclusive = false;
  $ZodUnion.init(inst, def);
  initMiniType(inst, def);
  const key = def.discriminator;
  let byTag: Map<unknown, z.core.$ZodType> | undefined;
  inst._zod.parse = (payload, ctx) => {
    const input = payload.value as Record<string, unknown>;
    if (!input || typeof input !== 'object' || Array.isArray(input)) {
      payload.issues.push({ code: 'invalid_type', expected: 'object', input, inst });
      return payload;
    }
    byTag ??= new Map(def.options.flatMap((option) => [...(option._zod.propValues?.[key] ?? [])].map((tag) => [tag, option])));
    const option = byTag.get(input[key]);
    if (option) return option._zod.run(payload, ctx);
    payload.issues.push({ code: 'invalid_union', errors: [], note: 'No matching discriminator', discriminator: key, options: [...byTag.keys()], input, path: [key], inst } as z.core.$ZodRawIssue);
    return payload;
  };
});
export const tagged = <const T extends readonly z.core.SomeType[]>(key: string, options: T): z.ZodMiniUnion<T> =>
  new ZodMiniTagged({ type: 'union', options: options as unknown as z.core.$ZodType[], discriminator: key }) as unknown as z.ZodMiniUnion<T>;

/**
 * z.looseObject and z.object whose parse does not run the schema of an absent key that may be
 * absent and then adds nothing (optin and optout both `optional`: z.optional of anything without
 * a default). zod runs every key's schema on every parse, each on a fresh `{ value, issues: [] }`,
 * and for such a key drops whatever it returned (handlePropertyResult's first rule): the chat
 * request has 31 keys and a body carries 2-4, so that was most of its validation's work. Here a
 * plain object (prototype Object.prototype, as JSON.parse makes) is parsed by zod's own object
 * class on the same definition minus the lean keys it lacks, so values, key order, issues and
 * their order, abortEarly and the catch-all are zod's by construction; the one such sub-shape per
 * set of lean keys present is kept (at most 64; past that, zod's parse on the whole shape). A key
 * counts as present when for...in lists it (own or inherited, enumerable: every key of parsed
 * JSON) or Object.prototype has it (those keys are never lean), which is zod's `key in input`
 * but for non-enumerable properties added later. Anything else, and a memoizer (zod's cycle
 * support, which zod/mini leaves off), gets zod's parse. The definition is zod's: same JSON Schema.
 */
const initMiniObject: (inst: z.ZodMiniObject, def: $ZodObjectDef) => void = z.ZodMiniObject.init;
const ZodMiniSparseObject = $constructor('ZodMiniSparseObject', (inst: z.ZodMiniObject, def: $ZodObjectDef) => {
  initMiniObject(inst, def);
  if (globalConfig.memoizer) return;
  const full = inst._zod.parse;
  let lean: Set<string> | undefined;
  // By the lean keys an input has, in its order: zod's object on the shape without the other lean keys.
  const parts = new Map<string, z.ZodMiniObject>();
  inst._zod.parse = (payload, ctx) => {
    const input = payload.value as object;
    const shape = def.shape;
    // Read on the first parse, as zod reads the shape (a getter in it may name a schema defined later).
    lean ??= new Set(
      Object.keys(shape).filter((key) => {
        const { optin, optout } = shape[key]!._zod;
        return optin === 'optional' && optout === 'optional' && !(key in Object.prototype);
      }),
    );
    if (!lean.size || Object.getPrototypeOf(input ?? 0) !== Object.prototype) return full(payload, ctx);
    let has = '\n';
    for (const key in input) if (lean.has(key)) has += `${key}\n`;
    let part = parts.get(has);
    if (!part) {
      if (parts.size > 63) return full(payload, ctx);
      // Every lean key `has` names is kept (a key with a newline in it may keep one more, absent, which adds nothing).
      const keys = Reflect.ownKeys(shape).filter((key) => !lean!.has(key as string) || has.includes(`\n${String(key)}\n`));
      parts.set(has, (part = new z.ZodMiniObject({ ...def, shape: Object.fromEntries(keys.map((key) => [key, shape[key as string]!])) })));
    }
    // parse, not run: the object's own checks run after this, on the instance.
    return part._zod.parse(payload, ctx);
  };
});
export const looseObject = <T extends z.core.$ZodLooseShape>(shape: T) =>
  new ZodMiniSparseObject({ type: 'object', shape, catchall: z.unknown() }) as unknown as z.ZodMiniObject<z.core.util.Writeable<T>, z.core.$loose>;
export const object = <T extends z.core.$ZodLooseShape>(shape: T) =>
  new ZodMiniSparseObject({ type: 'object', shape }) as unknown as z.ZodMiniObject<z.core.util.Writeable<T>, z.core.$strip>;

export const optionalNullable = <T extends z.core.SomeType>(schema: T) => z.optional(z.nullable(schema));
export const numberIn = (min: number, max: number) => z.number().check(z.gte(min), z.lte(max));

/**
 * The most stop sequences a request may carry. OpenAI allows 4, but the proxy applies stop
 * sequences itself (they never go upstream), and real clients send more: Continue's tab
 * autocomplete sends 10-12 to any non-OpenAI host. Ollama's path takes the same bound.
 */
export const MAX_STOP_SEQUENCES = 16;
// A plain check rather than z.refine, whose ZodCustom schema class the bundle would carry for this one use.
export const StopSequences = z.union([z.string(), z.array(z.string())]).check(
  z.check((ctx) => {
    if (typeof ctx.value !== 'string' && ctx.value.length > MAX_STOP_SEQUENCES) {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: `'stop' takes at most ${MAX_STOP_SEQUENCES} sequences (the proxy applies them itself).` });
    }
  }),
);

/** `top_k`: 0 is how clients (Jan, Ollama UIs) say "disabled", so it is accepted and means not set. */
export const TopK = int().check(z.gte(0));
