import type { CatalogModel } from '../../src/services/upstream/types';

let n = 0;
/** A catalog entry as `env.AI.models()` returns it; `created_at: null` leaves the date out. */
export const catalogModel = (
  name: string,
  task: string,
  properties: Record<string, string> = {},
  created_at: string | null = '2024-07-23 12:00:00.000',
): CatalogModel => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  name,
  description: `${name} (test catalog)`,
  task: { id: `task-${task}`, name: task, description: task },
  ...(created_at !== null && { created_at }),
  properties: Object.entries(properties).map(([property_id, value]) => ({ property_id, value })),
});
const model = catalogModel;

/** A small catalog in the shape `env.AI.models()` returns, covering each task the proxy classifies. */
export const TEST_CATALOG: CatalogModel[] = [
  model('@cf/meta/llama-3.1-8b-instruct', 'Text Generation', { context_window: '7968' }),
  // The live successor of the 8B default (gpt-4o-mini, gpt-3.5-turbo, RAG_CHAT_MODEL).
  model('@cf/meta/llama-3.1-8b-instruct-fast', 'Text Generation', { context_window: '128000' }),
  model('@cf/meta/llama-3.3-70b-instruct-fp8-fast', 'Text Generation', { context_window: '24000' }),
  model('@cf/mistral/mistral-7b-instruct-v0.1', 'Text Generation', { context_window: '2824' }),
  model('@cf/baai/bge-base-en-v1.5', 'Text Embeddings'),
  model('@cf/black-forest-labs/flux-1-schnell', 'Text-to-Image'),
  model('@cf/openai/whisper', 'Automatic Speech Recognition'),
  model('@cf/myshell-ai/melotts', 'Text-to-Speech'),
  model('@cf/huggingface/distilbert-sst-2-int8', 'Text Classification'),
  model('@cf/meta/m2m100-1.2b', 'Translation'),
  // Chat models with capabilities (issue 3): tools, vision, reasoning, gpt-oss, Image-to-Text.
  model('@cf/meta/llama-4-scout-17b-16e-instruct', 'Text Generation', { context_window: '131000', function_calling: 'true', vision: 'true' }),
  model('@cf/qwen/qwen3-30b-a3b-fp8', 'Text Generation', { context_window: '32768', function_calling: 'true', reasoning: 'true' }),
  model('@cf/deepseek-ai/deepseek-r1-distill-qwen-32b', 'Text Generation', { context_window: '80000', reasoning: 'true' }),
  model('@cf/qwen/qwq-32b', 'Text Generation', { context_window: '24000', reasoning: 'true' }),
  model('@cf/openai/gpt-oss-120b', 'Text Generation', { context_window: '128000', function_calling: 'true', reasoning: 'true' }),
  model('@cf/meta/llama-3.2-11b-vision-instruct', 'Text Generation', { context_window: '128000', vision: 'true' }),
  model('@cf/google/gemma-3-12b-it', 'Text Generation', { context_window: '80000', vision: 'true' }),
  model('@cf/mistralai/mistral-small-3.1-24b-instruct', 'Text Generation', { context_window: '128000', function_calling: 'true', vision: 'true' }),
  model('@cf/moonshotai/kimi-k2.6', 'Text Generation', { context_window: '262144', function_calling: 'true', reasoning: 'true', vision: 'true' }),
  model('@cf/llava-hf/llava-1.5-7b-hf', 'Image-to-Text'),
];
