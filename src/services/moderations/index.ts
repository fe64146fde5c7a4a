import { invalidValue, unsupportedParameter, upstreamError } from '../../errors';
import type { ModerationRequest } from '../../schemas/moderations';
import { mapBounded } from '../../lib/bounded';
import type { Services } from '../index';
import { HAZARD_CATEGORIES, OPENAI_CATEGORIES, readVerdict, type GuardVerdict, type OpenAICategory } from './llama-guard';
import { upstreamCall } from '../upstream/errors';
import { charge, pricedUsage } from '../billing';
import { estimateTokens, upstreamUsage, usageOf, type Usage } from '../usage';
import { randomHex } from '../../lib/random';

/** OpenAI's default; aliased to llama-guard-3-8b in config.ts. */
export const DEFAULT_MODERATION_MODEL = 'omni-moderation-latest';
/** Each input is one Llama Guard generation, so a request's inputs are capped. */
const MAX_INPUTS = 32;
/** Upstream calls in flight per request. */
const CONCURRENCY = 4;
/** "unsafe\nS1,S2,...,S14" fits comfortably; a classifier needs no more. */
const VERDICT_MAX_TOKENS = 64;

export interface ModerationResult {
  flagged: boolean;
  categories: Record<OpenAICategory, boolean>;
  category_scores: Record<OpenAICategory, number>;
  category_applied_input_types: Record<OpenAICategory, ['text']>;
}

export interface Moderation {
  id: string;
  model: string;
  results: ModerationResult[];
  /** Not OpenAI's: the classifier's tokens and what they cost (null: no published price). */
  usage: Usage;
}

function inputsOf(input: ModerationRequest['input']): string[] {
  if (typeof input === 'string') return [input];
  if (input.length === 0) throw invalidValue('input', "'input' must not be an empty array.");
  if (input.every((x) => typeof x === 'string')) {
    if (input.length > MAX_INPUTS) {
      throw invalidValue('input', `'input' has ${input.length} items; this proxy classifies at most ${MAX_INPUTS} per request.`);
    }
    return input;
  }
  // An array of parts is one multimodal input, classified as a whole (one result), as OpenAI does.
  const texts: string[] = [];
  input.forEach((part, i) => {
    if (typeof part === 'string' || part.type !== 'text') {
      throw unsupportedParameter(`input[${i}]`, 'Image inputs are not supported: llama-guard classifies text only.');
    }
    texts.push(part.text);
  });
  return [texts.join('\n')];
}

const SAFE: GuardVerdict = { safe: true, codes: [] };

function resultOf(verdict: GuardVerdict): ModerationResult {
  const hit = new Set(verdict.codes.flatMap((code) => HAZARD_CATEGORIES[code] ?? []));
  const categories = {} as ModerationResult['categories'];
  const scores = {} as ModerationResult['category_scores'];
  const applied = {} as ModerationResult['category_applied_input_types'];
  for (const c of OPENAI_CATEGORIES) {
    categories[c] = hit.has(c);
    // Llama Guard gives a verdict, not probabilities: a score is 1 for a category it named, else 0.
    scores[c] = hit.has(c) ? 1 : 0;
    applied[c] = ['text'];
  }
  return { flagged: !verdict.safe, categories, category_scores: scores, category_applied_input_types: applied };
}

async function classify(services: Services, model: string, text: string, signal: AbortSignal): Promise<{ verdict: GuardVerdict; usage?: Usage }> {
  // Nothing to classify; Llama Guard would be asked to judge an empty message.
  if (text.trim() === '') return { verdict: SAFE, usage: usageOf(0, 0) };
  const out = await upstreamCall(model, () =>
    services.upstream.run(
      model,
      { messages: [{ role: 'user', content: text }], temperature: 0, max_tokens: VERDICT_MAX_TOKENS },
      { signal },
    ),
  );
  const response = out && typeof out === 'object' ? (out as { response?: unknown }).response : out;
  const verdict = readVerdict(response);
  if (!verdict) {
    const seen = typeof response === 'string' ? `: "${response.slice(0, 80)}"` : '.';
    throw upstreamError(`Workers AI returned something other than a safety verdict${seen}`);
  }
  const usage = out && typeof out === 'object' ? upstreamUsage((out as { usage?: unknown }).usage) : undefined;
  return { verdict, usage: usage ?? usageOf(estimateTokens(text), estimateTokens(typeof response === 'string' ? response : '')) };
}

export async function createModeration(services: Services, req: ModerationRequest, signal?: AbortSignal): Promise<Moderation> {
  const texts = inputsOf(req.input);
  const requested = req.model ?? DEFAULT_MODERATION_MODEL;
  const model = await services.catalog.resolve(requested, 'openai-moderations');
  const verdicts = await mapBounded(texts, CONCURRENCY, (text, _i, s) => classify(services, model.id, text, s), signal);
  const tokens = verdicts.reduce((t, v) => usageOf(t.prompt_tokens + (v.usage?.prompt_tokens ?? 0), t.completion_tokens + (v.usage?.completion_tokens ?? 0)), usageOf(0, 0));
  const usage = pricedUsage(model.entry, tokens);
  charge(services, model.id, usage);
  return {
    id: `modr-${randomHex()}`,
    model: requested,
    results: verdicts.map((v) => resultOf(v.verdict)),
    usage,
  };
}
