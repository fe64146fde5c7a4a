import { numericProperty } from '../models/catalog';
import type { CatalogModel, ModelSchema } from '../upstream';

/**
 * What a chat model can do and which input dialect it speaks, decided in this order:
 * 1. the live catalog entry's properties (`function_calling`, `vision`, `reasoning`,
 *    `context_window`), which Cloudflare maintains per model;
 * 2. the model's input JSON schema (`GET /ai/models/schema`, cached by the catalog): which
 *    parameters it takes (`logprobs`, `n`, `chat_template_kwargs`, `raw`, `guided_json`, `input`...);
 * 3. only where both are silent (the binding has no schema call; a catalog outage), the model-id
 *    patterns below, each with why it exists.
 * A profile is derived once per (model, catalog entry, schema) and cached: requests pay a lookup.
 */
export interface ChatProfile {
  /** Request dialect: Workers AI's own `{messages}` input, OpenAI Chat Completions input, or Responses `{input}` (gpt-oss). */
  api: 'legacy' | 'openai' | 'responses';
  tools: boolean;
  /** How images are sent: content parts with data URLs, a top-level `image` byte array, an Image-to-Text model, or not at all. */
  vision: 'parts' | 'image-field' | 'image-to-text' | 'none';
  /** The answer text may carry the thinking inside `<think>...</think>`. */
  reasoning: boolean;
  /** The model starts inside the thinking block: the opening `<think>` is in the chat template, not the output. */
  implicitThink: boolean;
  /** How JSON mode is requested, or null when the model has none. */
  json: 'response_format' | 'guided_json' | 'openai' | 'responses' | null;
  contextWindow?: number;
  /** Whether the model takes an input parameter: from its schema, else the family fallback below. */
  takes(param: string): boolean;
  /** Where `takes` came from, for error messages. */
  source: 'schema' | 'fallback';
}

// Fallback tables, by model id, for when the catalog and the schema say nothing.
// Sources: the AiModels input types in @cloudflare/workers-types, Cloudflare's model pages and
// ../shared/workers-ai-models (schemas of 98 models; the 15 newest families ship without one).

/** Families whose input is OpenAI Chat Completions: no catalog property names the dialect. */
const OPENAI_INPUT = /\/(?:kimi-|glm-|nemotron-|gemma-4|deepseek-v\d|qwen3\.)/;
/** Function calling, for entries without `function_calling` (older catalog snapshots, outages). */
const TOOLS = /\/(?:llama-3\.3-70b|llama-4-scout|mistral-small-3\.1|hermes-2-pro|qwen3|gpt-oss|kimi-|glm-|nemotron-|gemma-4|deepseek-v\d|granite-4)/;
/** Vision through image_url parts, for entries without `vision`. */
const VISION_PARTS = /\/(?:llama-4-scout|gemma-3-|mistral-small-3\.1|kimi-k2\.[5-9]|gemma-4)/;
/** llama-3.2-vision takes one top-level `image` byte array; its schema says `image` but so do others. */
const VISION_IMAGE_FIELD = /\/llama-3\.2-11b-vision/;
/** Reasoning, for entries without `reasoning`. */
const REASONING = /\/(?:deepseek-r1|qwq|qwen3|gpt-oss|kimi-|glm-|nemotron-|deepseek-v\d|gemma-4)/;
/** Their chat template opens `<think>` itself, so the output starts inside it: no property or schema says so. */
const IMPLICIT_THINK = /\/(?:deepseek-r1-distill|qwq)/;
/** JSON mode as Workers AI's `response_format`, when no schema lists `response_format`. */
const JSON_RESPONSE_FORMAT = /\/(?:llama-3|llama-4-scout|hermes-2-pro|deepseek-coder-6\.7b-instruct|deepseek-r1-distill|qwen2\.5-coder|qwen3-30b)/;
/** JSON mode as `guided_json`, when no schema lists `guided_json`. */
const JSON_GUIDED = /\/(?:qwq-32b|mistral-small-3\.1|gemma-3-)/;
/**
 * Parameters the OpenAI-input families take (WORKERS_AI.md "Families": their newer schemas accept
 * logprobs, top_logprobs 0-20, logit_bias, n 1-128, prediction, chat_template_kwargs,
 * reasoning_effort), for when their schema cannot be read (the binding; the snapshot lacks them).
 */
const OPENAI_FAMILY_PARAMS = new Set(['logprobs', 'top_logprobs', 'logit_bias', 'n', 'prediction', 'chat_template_kwargs', 'reasoning_effort']);
/**
 * moondream3.1 is an Image-to-Text model with its own input, `{task, image, question}` (image a
 * data URI), not llava's `{prompt, image: bytes}`: its schema says so; this is for the binding.
 */
const MOONDREAM = /\/moondream/;
const MOONDREAM_PARAMS = new Set(['task', 'image', 'question', 'reasoning', 'max_tokens', 'temperature', 'top_p', 'stream']);
/** Every legacy text-generation schema in the snapshot takes `raw` (and `prompt`). */
const LEGACY_FAMILY_PARAMS = new Set(['raw', 'prompt']);

/** Parameters only an OpenAI Chat Completions input schema has (a legacy schema has `raw`, `lora` instead). */
const OPENAI_ONLY = ['logprobs', 'top_logprobs', 'n', 'chat_template_kwargs', 'reasoning_effort', 'max_completion_tokens', 'tool_choice'];

/** A boolean catalog property (`"true"`, `true`, ...), or undefined when the catalog does not say. */
export function flag(model: CatalogModel | undefined, id: string): boolean | undefined {
  const raw = model?.properties?.find((p) => p.property_id === id)?.value;
  if (raw === undefined || raw === null) return undefined;
  return raw === true || String(raw).toLowerCase() === 'true';
}

/**
 * The input parameter names a schema accepts: the properties of the object and of each of its
 * oneOf / anyOf / allOf forms (Prompt, Messages, Responses input), except the batch form
 * (`{requests: [...]}`), whose items are the other forms again. Undefined when there is none.
 */
export function schemaParams(schema: ModelSchema | null | undefined): ReadonlySet<string> | undefined {
  const input = schema?.input;
  if (!input || typeof input !== 'object') return undefined;
  const out = new Set<string>();
  const walk = (node: unknown, depth: number) => {
    if (!node || typeof node !== 'object' || depth > 4) return;
    const n = node as { properties?: Record<string, unknown>; oneOf?: unknown[]; anyOf?: unknown[]; allOf?: unknown[] };
    const keys = n.properties && typeof n.properties === 'object' ? Object.keys(n.properties) : [];
    if (!(keys.length === 1 && keys[0] === 'requests')) for (const k of keys) out.add(k);
    for (const list of [n.oneOf, n.anyOf, n.allOf]) if (Array.isArray(list)) for (const form of list) walk(form, depth + 1);
  };
  walk(input, 0);
  return out.size ? out : undefined;
}

function derive(id: string, entry: CatalogModel | undefined, params: ReadonlySet<string> | undefined): ChatProfile {
  const has = (p: string) => params?.has(p) === true;
  // Dialect: a Responses `input` form (gpt-oss), OpenAI-only parameters without legacy `raw`, a
  // legacy `raw`; else the id pattern.
  const byId: ChatProfile['api'] = /\/gpt-oss/.test(id) ? 'responses' : OPENAI_INPUT.test(id) ? 'openai' : 'legacy';
  const api: ChatProfile['api'] = has('input') ? 'responses' : OPENAI_ONLY.some(has) && !has('raw') ? 'openai' : has('raw') ? 'legacy' : byId;
  const imageToText = entry?.task?.name === 'Image-to-Text';
  const vision = imageToText
    ? 'image-to-text'
    : VISION_IMAGE_FIELD.test(id)
      ? 'image-field'
      : (flag(entry, 'vision') ?? VISION_PARTS.test(id))
        ? 'parts'
        : 'none';
  // The schema decides JSON mode where it names the parameter; many schemas share one text, so
  // a missing name is not proof (the emulator's minimal schemas list few): the pattern decides then.
  const json: ChatProfile['json'] = imageToText
    ? null
    : api === 'responses'
      ? 'responses'
      : api === 'openai'
        ? 'openai'
        : has('guided_json')
          ? 'guided_json'
          : has('response_format') || JSON_RESPONSE_FORMAT.test(id)
            ? 'response_format'
            : JSON_GUIDED.test(id)
              ? 'guided_json'
              : null;
  const fallback = api === 'openai' ? OPENAI_FAMILY_PARAMS : imageToText ? (MOONDREAM.test(id) ? MOONDREAM_PARAMS : undefined) : api === 'legacy' ? LEGACY_FAMILY_PARAMS : undefined;
  return {
    api,
    // Tools from the catalog only, not the schema: the shared chat schema lists `tools` for
    // models Cloudflare does not mark as function-calling.
    tools: !imageToText && (flag(entry, 'function_calling') ?? TOOLS.test(id)),
    vision,
    reasoning: flag(entry, 'reasoning') ?? (has('reasoning_effort') || has('chat_template_kwargs') || REASONING.test(id)),
    implicitThink: IMPLICIT_THINK.test(id),
    json,
    contextWindow: numericProperty(entry, 'context_window') ?? numericProperty(entry, 'max_input_tokens'),
    takes: params ? (p) => params.has(p) : (p) => fallback?.has(p) === true,
    source: params ? 'schema' : 'fallback',
  };
}

const MAX_CACHED = 512;
const cache = new Map<string, { entry: CatalogModel | undefined; schema: ModelSchema | null | undefined; profile: ChatProfile }>();

/**
 * The profile of `id`, derived once per catalog entry and schema (both are cached objects, so an
 * unchanged model is a map lookup and a refreshed catalog or schema derives it anew).
 */
export function chatProfile(id: string, entry?: CatalogModel, schema?: ModelSchema | null): ChatProfile {
  const hit = cache.get(id);
  if (hit && hit.entry === entry && hit.schema === schema) return hit.profile;
  const profile = derive(id, entry, schemaParams(schema));
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(id, { entry, schema, profile });
  return profile;
}
