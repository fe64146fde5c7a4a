import type { CatalogModel } from '../../src/services/upstream/types';

let n = 0;
const model = (name: string, task: string, properties: Record<string, string> = {}): CatalogModel => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  name,
  description: `${name} (test catalog)`,
  task: { id: `task-${task}`, name: task, description: task },
  created_at: '2024-07-23 12:00:00.000',
  properties: Object.entries(properties).map(([property_id, value]) => ({ property_id, value })),
});

/** A small catalog in the shape `env.AI.models()` returns, covering each task the proxy classifies. */
export const TEST_CATALOG: CatalogModel[] = [
  model('@cf/meta/llama-3.1-8b-instruct', 'Text Generation', { context_window: '7968' }),
  model('@cf/meta/llama-3.3-70b-instruct-fp8-fast', 'Text Generation', { context_window: '24000' }),
  model('@cf/mistral/mistral-7b-instruct-v0.1', 'Text Generation', { context_window: '2824' }),
  model('@cf/baai/bge-base-en-v1.5', 'Text Embeddings'),
  model('@cf/black-forest-labs/flux-1-schnell', 'Text-to-Image'),
  model('@cf/openai/whisper', 'Automatic Speech Recognition'),
  model('@cf/myshell-ai/melotts', 'Text-to-Speech'),
  model('@cf/huggingface/distilbert-sst-2-int8', 'Text Classification'),
  model('@cf/meta/m2m100-1.2b', 'Translation'),
];
