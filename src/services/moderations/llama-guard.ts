/**
 * Llama Guard 3's verdicts, and its hazard taxonomy (MLCommons S1..S14) mapped onto OpenAI's
 * moderation categories. docs/moderations.md carries the same table.
 */

/** OpenAI's moderation categories, in the order its API lists them. */
export const OPENAI_CATEGORIES = [
  'harassment',
  'harassment/threatening',
  'sexual',
  'hate',
  'hate/threatening',
  'illicit',
  'illicit/violent',
  'self-harm/intent',
  'self-harm/instructions',
  'self-harm',
  'sexual/minors',
  'violence',
  'violence/graphic',
] as const;
export type OpenAICategory = (typeof OPENAI_CATEGORIES)[number];

/**
 * Hazard code -> OpenAI categories. A code may set several (a violent crime is violence and
 * violent wrongdoing). The finer OpenAI categories Llama Guard cannot tell apart (threatening,
 * graphic, self-harm intent vs instructions) are never set. S6 specialized advice, S7 privacy and
 * S13 elections have no OpenAI counterpart: they still flag the input, with no category set.
 */
export const HAZARD_CATEGORIES: Readonly<Record<string, readonly OpenAICategory[]>> = {
  S1: ['violence', 'illicit', 'illicit/violent'], // violent crimes
  S2: ['illicit'], // non-violent crimes
  S3: ['sexual', 'illicit'], // sex-related crimes
  S4: ['sexual', 'sexual/minors'], // child sexual exploitation
  S5: ['harassment'], // defamation
  S6: [], // specialized advice
  S7: [], // privacy
  S8: ['illicit'], // intellectual property
  S9: ['illicit', 'illicit/violent'], // indiscriminate weapons
  S10: ['hate'], // hate
  S11: ['self-harm'], // suicide & self-harm
  S12: ['sexual'], // sexual content
  S13: [], // elections
  S14: ['illicit'], // code interpreter abuse
};

export interface GuardVerdict {
  safe: boolean;
  /** Hazard codes, e.g. ["S1", "S10"]. */
  codes: string[];
}

const codesIn = (s: string): string[] => s.toUpperCase().match(/\bS\d{1,2}\b/g) ?? [];

/**
 * Reads Llama Guard's answer: the text verdict ("safe", "unsafe\nS1,S10", possibly after blank
 * lines) or the JSON-mode object `{safe, categories}`. Undefined when it is neither.
 */
export function readVerdict(response: unknown): GuardVerdict | undefined {
  if (typeof response === 'string') {
    const text = response.trim();
    if (text.startsWith('{')) {
      try {
        return readVerdict(JSON.parse(text));
      } catch {
        return undefined;
      }
    }
    const verdict = /^(safe|unsafe)\b/i.exec(text)?.[1]?.toLowerCase();
    if (!verdict) return undefined;
    return verdict === 'safe' ? { safe: true, codes: [] } : { safe: false, codes: codesIn(text.slice(6)) };
  }
  if (response && typeof response === 'object' && typeof (response as { safe?: unknown }).safe === 'boolean') {
    const { safe, categories } = response as { safe: boolean; categories?: unknown };
    const codes = Array.isArray(categories) ? categories.flatMap((c) => (typeof c === 'string' ? codesIn(c) : [])) : [];
    return { safe, codes: safe ? [] : codes };
  }
  return undefined;
}
