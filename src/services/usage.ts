/**
 * Token estimate used only when Workers AI reports no usage: about 4 characters per token
 * (OpenAI's rule of thumb for English). Documented in docs/chat.md as an estimate.
 */
export const estimateTokens = (text: string): number => (text ? Math.ceil(text.length / 4) : 0);

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export const usageOf = (prompt: number, completion: number): Usage => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

/** Reads a Workers AI usage object (either naming), or undefined if it carries no numbers. */
export function upstreamUsage(raw: unknown): Usage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const u = raw as Record<string, unknown>;
  const prompt = u.prompt_tokens ?? u.input_tokens;
  const completion = u.completion_tokens ?? u.output_tokens;
  if (typeof prompt !== 'number' || typeof completion !== 'number') return undefined;
  return usageOf(prompt, completion);
}
