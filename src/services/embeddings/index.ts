import { invalidValue, unsupportedParameter, upstreamError } from '../../errors';
import type { EmbeddingRequest } from '../../schemas/embeddings';
import { mapBounded } from '../../lib/bounded';
import type { ResolvedModel } from '../models/catalog';
import { embeddingModelInfo, matryoshkaModels, type EmbeddingModelInfo } from '../models/embeddings';
import { float32Base64 } from '../../lib/float32-base64';
import type { Services } from '../index';
import { upstreamCall } from '../upstream/errors';
import { estimateTokens } from '../usage';
import { charge, costFor, type Cost } from '../billing';

/** OpenAI's own cap on inputs per request. */
const MAX_INPUTS = 2048;
/** Upstream calls in flight per request when a batch is split. */
const CONCURRENCY = 4;

export interface EmbeddingList {
  object: 'list';
  data: { object: 'embedding'; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number } & Cost;
}

const TOKEN_ARRAYS =
  "Token arrays are not supported: Workers AI embedding models take text, and their tokenizers are not OpenAI's, so token ids cannot be translated. Send the text itself, as a string or an array of strings.";

function textsOf(input: EmbeddingRequest['input']): string[] {
  const texts = typeof input === 'string' ? [input] : input;
  if (texts.length === 0) throw invalidValue('input', "'input' must not be an empty array.");
  if (texts.length > MAX_INPUTS) {
    throw invalidValue('input', `'input' has ${texts.length} items; at most ${MAX_INPUTS} are allowed per request.`);
  }
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    if (typeof t !== 'string') throw unsupportedParameter('input', TOKEN_ARRAYS);
    if (t === '') throw invalidValue(typeof input === 'string' ? 'input' : `input[${i}]`, 'The input must not be an empty string.');
  }
  return texts as string[];
}

/** How many leading values of each vector to return (undefined: all of them, untouched). */
function outputDims(requested: number | null | undefined, model: ResolvedModel, info: EmbeddingModelInfo): number | undefined {
  if (requested == null || requested === info.dims) return undefined;
  if (info.minDims && info.dims) {
    if (requested < info.minDims || requested > info.dims) {
      throw invalidValue('dimensions', `The model \`${model.requested}\` supports 'dimensions' from ${info.minDims} to ${info.dims}; got ${requested}.`);
    }
    return requested;
  }
  throw unsupportedParameter('dimensions', `The model \`${model.requested}\` does not support 'dimensions'${info.dims ? ` (its vectors always have ${info.dims})` : ''}. Models that do: ${matryoshkaModels()}.`);
}

const badOutput = (message: string) => upstreamError(`Workers AI returned ${message}`);

/**
 * The input tokens an embeddings answer reports, wherever the model puts them: `usage`
 * (`prompt_tokens`, `input_tokens` or `total_tokens`: embeddings have no output), or bge-m3's
 * `meta.cost_metric_value_1` (its billing metric, input tokens) when it has no `usage`.
 */
function reportedTokens(o: Record<string, unknown>): number | undefined {
  const usage = (o.usage && typeof o.usage === 'object' ? o.usage : {}) as Record<string, unknown>;
  const meta = (o.meta && typeof o.meta === 'object' ? o.meta : {}) as Record<string, unknown>;
  const metricName = meta.cost_metric_name_1;
  const metric = metricName === undefined || (typeof metricName === 'string' && /token/i.test(metricName)) ? meta.cost_metric_value_1 : undefined;
  for (const v of [usage.prompt_tokens, usage.input_tokens, usage.total_tokens, metric]) {
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  }
  return undefined;
}

/** Vectors (and reported token count, if any) from one Workers AI embeddings answer. */
function readBatch(out: unknown, expected: number, minLength: number): { vectors: number[][]; promptTokens?: number } {
  const o = (out && typeof out === 'object' ? out : {}) as Record<string, unknown>;
  // `response` is bge-m3's name for the same thing in its contexts form.
  const vectors = Array.isArray(o.data) ? o.data : Array.isArray(o.response) ? o.response : undefined;
  if (!vectors && typeof o.request_id === 'string') throw badOutput('an async-queue request id instead of embeddings.');
  if (!vectors || vectors.length !== expected) throw badOutput(`${vectors ? vectors.length : 'no'} embeddings for ${expected} input(s).`);
  for (const v of vectors) {
    if (!Array.isArray(v) || v.length < minLength) throw badOutput(`a malformed embedding vector (expected at least ${minLength} numbers).`);
  }
  const tokens = reportedTokens(o);
  return { vectors: vectors as number[][], ...(typeof tokens === 'number' && { promptTokens: tokens }) };
}

/** 1 / the L2 norm of the first `n` values: a cut Matryoshka vector is re-normalised, as OpenAI's are. */
function unitScale(v: readonly number[], n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += v[i]! * v[i]!;
  return sum > 0 ? 1 / Math.sqrt(sum) : 1;
}

export async function createEmbeddings(services: Services, req: EmbeddingRequest, signal?: AbortSignal): Promise<EmbeddingList> {
  const texts = textsOf(req.input);
  const model = await services.catalog.resolve(req.model, 'openai-embeddings');
  const info = embeddingModelInfo(model.id, model.entry);
  const dims = outputDims(req.dimensions, model, info);

  const batches: string[][] = [];
  for (let i = 0; i < texts.length; i += info.batch) batches.push(texts.slice(i, i + info.batch));
  const answers = await mapBounded(
    batches,
    CONCURRENCY,
    async (text, _i, batchSignal) =>
      readBatch(await upstreamCall(model.id, () => services.upstream.run(model.id, { text }, { signal: batchSignal })), text.length, dims ?? 1),
    signal,
  );

  const base64 = req.encoding_format === 'base64';
  const data: EmbeddingList['data'] = [];
  let promptTokens = 0;
  answers.forEach((answer, b) => {
    promptTokens += answer.promptTokens ?? batches[b]!.reduce((sum, t) => sum + estimateTokens(t), 0);
    for (const v of answer.vectors) {
      const n = dims ?? v.length;
      const scale = dims ? unitScale(v, n) : 1;
      const embedding = base64 ? float32Base64(v, n, scale) : dims ? v.slice(0, n).map((x) => x * scale) : v;
      data.push({ object: 'embedding', index: data.length, embedding });
    }
  });
  const cost = costFor(model.entry, { inputTokens: promptTokens, requests: batches.length });
  charge(services, model.id, cost);
  return { object: 'list', data, model: req.model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens, ...cost } };
}
