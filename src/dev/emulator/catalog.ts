/**
 * The emulator's model catalog: real Workers AI model names (from the `AiModels` map in
 * @cloudflare/workers-types; the few marked * in the table are real catalog models the types
 * no longer list), shaped like the entries `env.AI.models()` returns. Kept as one compact text
 * table because it ships in the Worker bundle.
 */
import type { CatalogModel, ModelSchema } from '../../services/upstream/types';

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
};

/**
 * name, task code, created (date), behaviour code, number, flags.
 * Behaviour (read by ./index.ts): text generation L legacy `{response}`, S legacy with OpenAI-ish
 * tool calls (llama-4-scout), Q `<think>` inline, D `<think>` inline without the opening tag,
 * O chat.completion / text_completion, C chat.completion only, P gpt-oss (Responses or chat), G guard;
 * embeddings B bge v1.5, M bge-m3, E plain; images J `{image}` JPEG, F flux-2 multipart, N PNG
 * stream, X JPEG stream; speech W whisper, T whisper-large-v3-turbo, N nova-3; TTS M melotts,
 * A aura stream; translation M m2m100, I indictrans; classification S sentiment, R reranker.
 * Number: context_window for text generation, `dims[,max_input_tokens]` for embeddings.
 * Flags: f function_calling, r reasoning, v vision.
 */
const TABLE = `
@cf/meta/llama-3-8b-instruct g 2024-04-18 L 7968
@cf/meta/llama-3-8b-instruct-awq g 2024-05-09 L 8192
@cf/meta/llama-3.1-8b-instruct* g 2024-07-23 L 7968
@cf/meta/llama-3.1-8b-instruct-fp8 g 2024-07-25 L 32000
@cf/meta/llama-3.1-8b-instruct-awq g 2024-07-25 L 8192
@cf/meta/llama-3.2-1b-instruct g 2024-09-25 L 60000
@cf/meta/llama-3.2-3b-instruct g 2024-09-25 L 128000
@cf/meta/llama-3.2-11b-vision-instruct g 2024-09-25 L 128000 v
@cf/meta/llama-3.3-70b-instruct-fp8-fast g 2024-12-06 L 24000 f
@cf/meta/llama-4-scout-17b-16e-instruct g 2025-04-05 S 131000 fv
@cf/meta/llama-guard-3-8b g 2025-01-22 G 131072
@cf/mistral/mistral-7b-instruct-v0.1 g 2023-09-27 L 2824
@cf/mistralai/mistral-small-3.1-24b-instruct g 2025-03-18 L 128000 fv
@hf/nousresearch/hermes-2-pro-mistral-7b g 2024-04-01 L 24000 f
@cf/google/gemma-3-12b-it g 2025-03-18 L 80000 v
@cf/qwen/qwen2.5-coder-32b-instruct g 2025-02-27 L 32768
@cf/qwen/qwq-32b g 2025-03-05 Q 24000 r
@cf/qwen/qwen3-30b-a3b-fp8 g 2025-04-30 O 32768 fr
@cf/deepseek-ai/deepseek-r1-distill-qwen-32b g 2025-01-22 D 80000 r
@cf/openai/gpt-oss-120b g 2025-08-05 P 128000 fr
@cf/openai/gpt-oss-20b g 2025-08-05 P 128000 fr
@cf/moonshotai/kimi-k2.6 g 2026-04-20 C 262144 frv
@cf/baai/bge-small-en-v1.5 e 2023-11-07 B 384,512
@cf/baai/bge-base-en-v1.5 e 2023-09-27 B 768,512
@cf/baai/bge-large-en-v1.5 e 2023-11-07 B 1024,512
@cf/baai/bge-m3 e 2024-05-22 M 1024
@cf/google/embeddinggemma-300m e 2025-09-04 E 768
@cf/qwen/qwen3-embedding-0.6b e 2025-06-16 E 1024
@cf/black-forest-labs/flux-1-schnell i 2024-08-29 J
@cf/black-forest-labs/flux-2-dev i 2025-11-25 F
@cf/black-forest-labs/flux-2-klein-4b i 2026-01-15 F
@cf/black-forest-labs/flux-2-klein-9b i 2026-01-15 F
@cf/stabilityai/stable-diffusion-xl-base-1.0 i 2023-11-10 N
@cf/bytedance/stable-diffusion-xl-lightning i 2024-02-27 N
@cf/lykon/dreamshaper-8-lcm i 2024-02-27 N
@cf/runwayml/stable-diffusion-v1-5-img2img* i 2024-02-27 N
@cf/runwayml/stable-diffusion-v1-5-inpainting i 2024-02-27 N
@cf/leonardo/phoenix-1.0 i 2025-08-26 X
@cf/leonardo/lucid-origin i 2025-08-26 J
@cf/openai/whisper a 2023-09-27 W
@cf/openai/whisper-tiny-en a 2024-04-22 W
@cf/openai/whisper-large-v3-turbo a 2024-10-01 T
@cf/deepgram/nova-3 a 2025-06-05 N
@cf/myshell-ai/melotts s 2024-07-19 M
@cf/deepgram/aura-1 s 2025-06-05 A
@cf/deepgram/aura-2-en s 2025-10-02 A
@cf/deepgram/aura-2-es s 2025-10-02 A
@cf/meta/m2m100-1.2b t 2023-09-27 M
@cf/ai4bharat/indictrans2-en-indic-1B t 2025-09-25 I
@cf/huggingface/distilbert-sst-2-int8 c 2023-09-27 S
@cf/baai/bge-reranker-base c 2025-02-14 R
@cf/llava-hf/llava-1.5-7b-hf v 2024-05-01 -
@cf/unum/uform-gen2-qwen-500m v 2024-02-27 -
@cf/facebook/bart-large-cnn m 2024-02-27 -
@cf/facebook/detr-resnet-50* o 2024-02-27 -
@cf/microsoft/resnet-50 k 2023-09-27 -
`;

/** What ./index.ts needs to know about a model. */
export interface ModelInfo {
  task: string;
  kind: string;
  /** context window (text generation) or embedding dimensions */
  n: number;
  flags: string;
}

const INFO = new Map<string, ModelInfo>();

/** The catalog, as `env.AI.models()` returns it (plus `source`, which the real one also carries). */
export const CATALOG: (CatalogModel & { source: number; tags: string[] })[] = TABLE.trim()
  .split('\n')
  .map((line) => {
    const [raw = '', task = 'g', date = '', kind = '-', num = '', flags = ''] = line.split(' ');
    const name = raw.replace('*', '');
    const [tid = '', tname = '', tdesc = ''] = TASKS[task] ?? [];
    const [n = 0, maxIn] = num.split(',').map(Number);
    INFO.set(name, { task, kind, n, flags });
    const props: [string, string][] = [];
    if (task === 'g') props.push(['context_window', String(n)]);
    if (task === 'e') {
      props.push(['output_dimensions', String(n)]);
      if (maxIn) props.push(['max_input_tokens', String(maxIn)]);
    }
    if (flags.includes('f')) props.push(['function_calling', 'true']);
    if (flags.includes('r')) props.push(['reasoning', 'true']);
    if (flags.includes('v')) props.push(['vision', 'true']);
    const h = hex(name, 32);
    return {
      id: `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`,
      source: 1,
      name,
      description: `[emulator] Synthetic stand-in for ${name} (${tname}): answers are generated offline by the Workers AI emulator, not by the model.`,
      task: { id: tid, name: tname, description: tdesc },
      created_at: `${date} 12:00:00.000`,
      tags: [],
      properties: props.map(([property_id, value]) => ({ property_id, value })),
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

/** `schema(model)`: a minimal `{input, output}` JSON-schema pair, or null for unknown models. */
export function schemaFor(name: string): ModelSchema | null {
  const m = INFO.get(name);
  if (!m) return null;
  const json = { type: 'object', contentType: 'application/json' };
  if (m.task === 'g' && m.kind !== 'G' && m.kind !== 'C') {
    const common = {
      stream: { type: 'boolean', default: false },
      max_tokens: { type: 'integer', default: 256 },
      temperature: { type: 'number', minimum: 0, maximum: 5 },
      seed: { type: 'integer', minimum: 1 },
    };
    const messages = { type: 'array', items: { type: 'object', properties: { role: { type: 'string' }, content: { type: 'string' } }, required: ['role', 'content'] } };
    return {
      input: {
        type: 'object',
        oneOf: [
          { title: 'Prompt', properties: { prompt: { type: 'string', minLength: 1 }, ...common }, required: ['prompt'] },
          { title: 'Messages', properties: { messages, ...common }, required: ['messages'] },
        ],
      },
      output: { oneOf: [{ ...json, properties: { response: { type: 'string' }, usage: { type: 'object' } } }, { type: 'string', contentType: 'text/event-stream', format: 'binary' }] },
    };
  }
  const req = requiredFor(m).map((k) => k.split('|')[0] ?? k);
  const binary = m.task === 'i' && m.kind === 'N' ? 'image/png' : m.task === 'i' && m.kind === 'X' ? 'image/jpeg' : m.task === 's' && m.kind === 'A' ? 'audio/mpeg' : '';
  return {
    input: { type: 'object', properties: Object.fromEntries(req.map((k) => [k, {}])), required: req },
    output: binary ? { type: 'string', contentType: binary, format: 'binary' } : m.task === 'c' && m.kind === 'S' || 'ok'.includes(m.task) ? { type: 'array', contentType: 'application/json' } : json,
  };
}
