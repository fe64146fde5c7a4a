/** Which OpenAI endpoints a Workers AI model can serve, by its catalog task (and, for a few, its name). */
import type { CatalogModel, ModelSchema } from '../upstream';

/** The OpenAI endpoint families a model can serve; the values of GET /v1/models?protocol=. */
// openai-transcriptions / -translations / -speech are finer than openai-audio (both directions).
export const PROTOCOLS = [
  'openai-chat',
  'openai-embeddings',
  'openai-images',
  'openai-audio',
  'openai-moderations',
  'openai-image-edits',
  'openai-transcriptions',
  'openai-translations',
  'openai-speech',
] as const;
export type Protocol = (typeof PROTOCOLS)[number];

const TASK_PROTOCOLS: Readonly<Record<string, readonly Protocol[]>> = {
  'Text Generation': ['openai-chat'],
  'Text Embeddings': ['openai-embeddings'],
  'Text-to-Image': ['openai-images'],
  'Automatic Speech Recognition': ['openai-audio', 'openai-transcriptions', 'openai-translations'],
  'Text-to-Speech': ['openai-audio', 'openai-speech'],
  // llava: an image and a prompt in, text out; served as chat with one image.
  'Image-to-Text': ['openai-chat'],
};

export const ENDPOINT_OF: Readonly<Record<Protocol, string>> = {
  'openai-chat': '/v1/chat/completions',
  'openai-embeddings': '/v1/embeddings',
  'openai-images': '/v1/images/generations',
  'openai-audio': '/v1/audio',
  'openai-moderations': '/v1/moderations',
  'openai-image-edits': '/v1/images/edits',
  'openai-transcriptions': '/v1/audio/transcriptions',
  'openai-translations': '/v1/audio/translations',
  'openai-speech': '/v1/audio/speech',
};

/** Safety classifiers are listed as Text Generation in the catalog; only the name tells them apart. */
const MODERATION_MODEL = /\/llama-guard-/;
/**
 * Decision models (Clef: `{model, state, questions}` in, typed answers out) are filed as Text
 * Generation too. Their schema shows it (no messages, no prompt: see isChatSchema in ./catalog),
 * but listing cannot fetch sixty schemas and the binding has none, so the name decides there.
 */
export const DECISION_MODEL = /\/cloudflare\/clef/;

/** What a classifier may ask of the catalog: a model's input schema (null when there is none). */
export interface SchemaSource {
  schema(id: string): Promise<ModelSchema | null>;
}

/** Tasks whose models need more than the task name to classify (e.g. their input schema). */
export interface TaskClassifier {
  protocols(model: CatalogModel, catalog: SchemaSource): Promise<readonly Protocol[]>;
  /** Why `model` cannot serve `protocol`, for the 400; undefined = the generic message. */
  unsupported(model: CatalogModel, protocol: Protocol, requested: string, catalog: SchemaSource): Promise<string | undefined>;
}

export function protocolsOf(model: CatalogModel): readonly Protocol[] {
  if (DECISION_MODEL.test(model.name)) return [];
  const byTask = TASK_PROTOCOLS[model.task?.name] ?? [];
  return MODERATION_MODEL.test(model.name) ? [...byTask, 'openai-moderations'] : byTask;
}
