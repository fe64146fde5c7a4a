import { numericProperty } from '../models/catalog';
import type { CatalogModel } from '../upstream';

/**
 * What a chat model can do and which input dialect it speaks. Catalog properties
 * (`function_calling`, `vision`, `reasoning`, `context_window`) win when present; when the
 * catalog says nothing (or could not be read) the model-id patterns below decide.
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
}

// Model families, by id. Sources: the AiModels input types in @cloudflare/workers-types and
// Cloudflare's model pages (function calling, JSON mode and vision lists).
const OPENAI_INPUT = /\/(?:kimi-|glm-|nemotron-|gemma-4|deepseek-v\d|qwen3\.)/;
const TOOLS = /\/(?:llama-3\.3-70b|llama-4-scout|mistral-small-3\.1|hermes-2-pro|qwen3|gpt-oss|kimi-|glm-|nemotron-|gemma-4|deepseek-v\d|granite-4)/;
const VISION_PARTS = /\/(?:llama-4-scout|gemma-3-|mistral-small-3\.1|kimi-k2\.[5-9]|gemma-4)/;
const VISION_IMAGE_FIELD = /\/llama-3\.2-11b-vision/;
const REASONING = /\/(?:deepseek-r1|qwq|qwen3|gpt-oss|kimi-|glm-|nemotron-|deepseek-v\d|gemma-4)/;
const IMPLICIT_THINK = /\/(?:deepseek-r1-distill|qwq)/;
const JSON_RESPONSE_FORMAT = /\/(?:llama-3|llama-4-scout|hermes-2-pro|deepseek-coder-6\.7b-instruct|deepseek-r1-distill|qwen2\.5-coder|qwen3-30b)/;
const JSON_GUIDED = /\/(?:qwq-32b|mistral-small-3\.1|gemma-3-)/;

/** A boolean catalog property (`"true"`, `true`, ...), or undefined when the catalog does not say. */
function flag(model: CatalogModel | undefined, id: string): boolean | undefined {
  const raw = model?.properties?.find((p) => p.property_id === id)?.value;
  if (raw === undefined || raw === null) return undefined;
  return raw === true || String(raw).toLowerCase() === 'true';
}

export function chatProfile(id: string, entry?: CatalogModel): ChatProfile {
  const api = /\/gpt-oss/.test(id) ? 'responses' : OPENAI_INPUT.test(id) ? 'openai' : 'legacy';
  const imageToText = entry?.task?.name === 'Image-to-Text';
  const vision = imageToText
    ? 'image-to-text'
    : VISION_IMAGE_FIELD.test(id)
      ? 'image-field'
      : (flag(entry, 'vision') ?? VISION_PARTS.test(id))
        ? 'parts'
        : 'none';
  return {
    api,
    tools: !imageToText && (flag(entry, 'function_calling') ?? TOOLS.test(id)),
    vision,
    reasoning: flag(entry, 'reasoning') ?? REASONING.test(id),
    implicitThink: IMPLICIT_THINK.test(id),
    json: imageToText
      ? null
      : api === 'responses'
        ? 'responses'
        : JSON_RESPONSE_FORMAT.test(id)
          ? 'response_format'
          : JSON_GUIDED.test(id)
            ? 'guided_json'
            : api === 'openai'
              ? 'openai'
              : null,
    contextWindow: numericProperty(entry, 'context_window'),
  };
}
