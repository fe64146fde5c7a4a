/**
 * Token estimate used only when Workers AI reports no usage: about 4 characters per token
 * (OpenAI's rule of thumb for English). Documented in docs/chat.md as an estimate.
 */
export const tokensOfChars = (chars: number): number => Math.ceil(chars / 4);
export const estimateTokens = (text: string): number => tokensOfChars(text.length);
/** Reasoning tokens of an answer whose model does not count them apart: estimated from the reasoning text, at most the whole output. */
export const reasoningTokensOf = (output: number, reasoningChars: number): number => Math.min(output, tokensOfChars(reasoningChars));

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Prompt tokens served from Workers AI's prefix cache, when the model reports them. */
  prompt_tokens_details?: { cached_tokens: number };
  /** Output tokens spent thinking, when the model reports them. */
  completion_tokens_details?: { reasoning_tokens: number };
  /** USD (OpenRouter's field) and neurons, from the catalog price; null = the model has no published price. */
  cost?: number | null;
  neurons?: number | null;
}

export const usageOf = (prompt: number, completion: number): Usage => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

const count = (obj: unknown, key: string): number | undefined => {
  const v = obj && typeof obj === 'object' ? (obj as Record<string, unknown>)[key] : undefined;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
};

/**
 * Reads a Workers AI usage object (Chat Completions or Responses naming), or undefined if it
 * carries no numbers. The cached and reasoning counts the OpenAI-shaped models report
 * (`prompt_tokens_details.cached_tokens`, `completion_tokens_details.reasoning_tokens`, or the
 * Responses `input_tokens_details` / `output_tokens_details`) are kept as they come.
 */
export function upstreamUsage(raw: unknown): Usage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const u = raw as Record<string, unknown>;
  const prompt = u.prompt_tokens ?? u.input_tokens;
  const completion = u.completion_tokens ?? u.output_tokens;
  if (typeof prompt !== 'number' || typeof completion !== 'number') return undefined;
  const out = usageOf(prompt, completion);
  const cached = count(u.prompt_tokens_details ?? u.input_tokens_details, 'cached_tokens');
  const reasoning = count(u.completion_tokens_details ?? u.output_tokens_details, 'reasoning_tokens');
  if (cached !== undefined) out.prompt_tokens_details = { cached_tokens: cached };
  if (reasoning !== undefined) out.completion_tokens_details = { reasoning_tokens: reasoning };
  return out;
}

/** Sums the detail counts of several runs; a detail is present when any run reported it. */
export function sumDetails(usages: readonly Usage[], prompt: readonly Usage[] = usages): Pick<Usage, 'prompt_tokens_details' | 'completion_tokens_details'> {
  const out: Pick<Usage, 'prompt_tokens_details' | 'completion_tokens_details'> = {};
  if (prompt.some((u) => u.prompt_tokens_details)) {
    out.prompt_tokens_details = { cached_tokens: prompt.reduce((n, u) => n + (u.prompt_tokens_details?.cached_tokens ?? 0), 0) };
  }
  if (usages.some((u) => u.completion_tokens_details)) {
    out.completion_tokens_details = { reasoning_tokens: usages.reduce((n, u) => n + (u.completion_tokens_details?.reasoning_tokens ?? 0), 0) };
  }
  return out;
}
