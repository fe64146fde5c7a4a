import type { OllamaEmbedRequest, OllamaEmbeddingsRequest } from '../../schemas/ollama';
import { createEmbeddings } from '../embeddings';
import type { Services } from '../index';
import { modelIdOf } from './models';

const NS_PER_MS = 1_000_000;

/** POST /api/embed over the OpenAI embeddings service (same batching, limits and errors). */
export async function ollamaEmbed(services: Services, req: OllamaEmbedRequest, started: number, signal?: AbortSignal) {
  const list = await createEmbeddings(
    services,
    { model: modelIdOf(req.model), input: req.input, encoding_format: 'float', dimensions: req.dimensions },
    signal,
  );
  return {
    model: req.model,
    embeddings: list.data.map((d) => d.embedding as number[]),
    total_duration: (Date.now() - started) * NS_PER_MS,
    load_duration: 0,
    prompt_eval_count: list.usage.prompt_tokens,
    cost: list.usage.cost,
    neurons: list.usage.neurons,
  };
}

/** POST /api/embeddings (older API): one prompt, one vector. */
export async function ollamaEmbeddings(services: Services, req: OllamaEmbeddingsRequest, signal?: AbortSignal) {
  const list = await createEmbeddings(services, { model: modelIdOf(req.model), input: req.prompt, encoding_format: 'float' }, signal);
  return { embedding: list.data[0]!.embedding as number[] };
}
