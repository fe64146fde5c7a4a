import * as z from 'zod/mini';

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

export const optionalNullable = <T extends z.core.SomeType>(schema: T) => z.optional(z.nullable(schema));
export const numberIn = (min: number, max: number) => z.number().check(z.gte(min), z.lte(max));

/**
 * The most stop sequences a request may carry. OpenAI allows 4, but the proxy applies stop
 * sequences itself (they never go upstream), and real clients send more: Continue's tab
 * autocomplete sends 10-12 to any non-OpenAI host. Ollama's path takes the same bound.
 */
export const MAX_STOP_SEQUENCES = 16;
export const StopSequences = z.union([z.string(), z.array(z.string())]).check(
  z.refine((v) => typeof v === 'string' || v.length <= MAX_STOP_SEQUENCES, {
    message: `'stop' takes at most ${MAX_STOP_SEQUENCES} sequences (the proxy applies them itself).`,
  }),
);

/** `top_k`: 0 is how clients (Jan, Ollama UIs) say "disabled", so it is accepted and means not set. */
export const TopK = z.int().check(z.gte(0));
