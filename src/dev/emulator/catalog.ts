/**
 * The emulator's model catalog: the live Workers AI models from Cloudflare's published model
 * files (generated into ./catalog.generated.ts by scripts/gen-models.mjs; retired models are not
 * in it), shaped like the entries `env.AI.models()` returns.
 */
import type { CatalogModel, ModelSchema } from '../../services/upstream/types';
import { MODELS, SCHEMAS } from './catalog.generated';

/** FNV-1a, optionally seeded: the emulator's one source of determinism. */
export const hash = (s: string, h = 2166136261): number => {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
};
/** `n` stable hex digits derived from `s`. */
export const hex = (s: string, n = 24): string => {
  let o = '';
  for (let i = 1; o.length < n; i++) o += hash(s, hash(String(i))).toString(16).padStart(8, '0');
  return o.slice(0, n);
};

/** Task code -> [catalog task id, name, description] (ids and names as in the real catalog). */
const TASKS: Record<string, [string, string, string]> = {
  g: ['c329a1f9-323d-4e91-b2aa-582dd4188d34', 'Text Generation', 'Family of generative text models, such as large language models (LLM), that can be adapted for a variety of natural language tasks.'],
  e: ['0137cdcf-162a-4108-94f2-1ca59e8c65ee', 'Text Embeddings', 'Feature extraction models transform raw data into numerical features that can be processed while preserving the information in the original dataset.'],
  i: ['3d6e1f35-341b-4915-a6c8-9a7142a9033a', 'Text-to-Image', 'Generates images from input text. These models can be used to generate and modify images based on text prompts.'],
  a: ['dfce1c48-2a81-462e-a7fd-de97ce985207', 'Automatic Speech Recognition', 'Automatic speech recognition (ASR) models convert a speech signal, typically an audio input, to text.'],
  s: ['b52660a1-9a95-4ab2-8b1d-5232c9c6bd6f', 'Text-to-Speech', 'Text-to-Speech (TTS) is the task of generating natural sounding speech given text input.'],
  t: ['f57d07cb-9087-487a-bbbf-bc3e17fecc4b', 'Translation', 'Translation models convert a sequence of text from one language to another.'],
  c: ['19606750-23ed-4371-aab2-c20349b53a60', 'Text Classification', 'Sentiment analysis or text classification is a common NLP task that classifies a text input into labels or classes.'],
  v: ['882a91d1-c331-4eec-bdad-834c919942a8', 'Image-to-Text', 'Image to text models output a text from a given image. Image captioning or optical character recognition can be considered as the most common applications of image to text.'],
  m: ['6f4e65d8-da0f-40d2-9aa4-db582a5a04fd', 'Summarization', 'Summarization is the task of producing a shorter version of a document while preserving its important information.'],
  o: ['9c178979-90d9-49d8-9e2c-0f1cf01815d4', 'Object Detection', 'Object detection models can detect instances of objects like persons, faces, license plates, or others in an image.'],
  k: ['00cd182b-bf30-4fc4-8481-84a3ab349657', 'Image Classification', 'Image classification models take an image input and assigns it labels or classes.'],
  d: ['ccb1ca5a-043d-41a7-8a3b-61017b2796fd', 'Voice Activity Detection', 'Detecting the presence or absence of human speech, used in speech processing.'],
};

/**
 * The models come from ./catalog.generated.ts (scripts/gen-models.mjs: Cloudflare's model files,
 * retired models left out). Behaviour codes (read by ./index.ts): text generation L legacy
 * `{response}`, S legacy with OpenAI-ish tool calls (llama-4-scout), Q `<think>` inline, D
 * `<think>` inline without the opening tag, O chat.completion / text_completion, C
 * chat.completion only, A chat.completion with gemma-4's stream (`p` padding, a final legacy
 * usage event), P gpt-oss (Responses or chat), G guard, K decision model (Clef); embeddings B bge
 * v1.5, M bge-m3, E plain; images J `{image}` JPEG, F flux-2 multipart, N PNG stream, X JPEG
 * stream; speech W whisper, T whisper-large-v3-turbo, N nova-3, Z WebSocket-only; TTS M melotts,
 * A aura stream; translation M m2m100, I indictrans; classification S sentiment, R reranker.
 */
export interface ModelInfo {
  task: string;
  kind: string;
  /** context window (text generation) or embedding dimensions */
  n: number;
  /** f function_calling, r reasoning, v vision, $ Workers Paid only */
  flags: string;
}

const INFO = new Map<string, ModelInfo>();
const SCHEMA_OF = new Map<string, number>();
const truthy = (v: unknown) => v === true || v === 'true';

/** The catalog, as `env.AI.models()` returns it (plus `source`, which the real one also carries). */
export const CATALOG: (CatalogModel & { source: number; tags: string[] })[] = MODELS.map(([name, id, task, created, kind, schema, dims, props, extra = '']) => {
  const [tid = '', tname = '', tdesc = ''] = TASKS[task] ?? [];
  const p = props as Record<string, unknown>;
  const flags = `${truthy(p.function_calling) ? 'f' : ''}${truthy(p.reasoning) || kind === 'Q' || kind === 'D' ? 'r' : ''}${truthy(p.vision) ? 'v' : ''}${extra.includes('paid') ? '$' : ''}`;
  INFO.set(name, { task, kind, n: task === 'e' ? dims : Number(p.context_window) || 0, flags });
  SCHEMA_OF.set(name, schema);
  return {
    id,
    source: 1,
    name,
    description: `[emulator] Synthetic stand-in for ${name} (${tname}): answers are generated offline by the Workers AI emulator, not by the model.`,
    task: { id: tid, name: tname, description: tdesc },
    ...(created && { created_at: created }),
    tags: [],
    properties: Object.entries(p).map(([property_id, value]) => ({ property_id, value })),
  };
});

export const modelInfo = (name: string): ModelInfo | undefined => INFO.get(name);

/**
 * Required input fields per task/behaviour (task code + behaviour code, or task code alone):
 * used both to validate inputs (5006 errors) and to build the minimal schemas below.
 * `a|b` means one of them; text generation's prompt/messages is handled in ./index.ts.
 */
export const REQUIRED: Record<string, string[]> = {
  gG: ['messages'],
  gC: ['messages'],
  gA: ['messages'],
  gK: ['state', 'questions'],
  d: ['audio'],
  eB: ['text'],
  eE: ['text|queries|documents'],
  eM: ['text|contexts'],
  iF: ['multipart'],
  i: ['prompt'],
  a: ['audio'],
  sM: ['prompt'],
  sA: ['text'],
  tM: ['text', 'target_lang'],
  tI: ['text', 'target_language'],
  cS: ['text'],
  cR: ['query', 'contexts'],
  v: ['image'],
  m: ['input_text'],
  o: ['image'],
  k: ['image'],
};
export const requiredFor = (m: ModelInfo): string[] => REQUIRED[m.task + m.kind] ?? REQUIRED[m.task] ?? [];

/** `schema(model)`: the model's published schema (compact form; the family's OpenAI schema where the file lacked it), or null. */
export function schemaFor(name: string): ModelSchema | null {
  const i = SCHEMA_OF.get(name);
  return i === undefined || i < 0 ? null : structuredClone(SCHEMAS[i]!) as ModelSchema;
}
