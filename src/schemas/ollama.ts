import * as z from 'zod/mini';
import { FunctionTool } from './chat';
import { int, looseObject, numberIn, optionalNullable, recordOf, StopSequences, TopK } from './common';

/**
 * Ollama's `options`. The sampling knobs Workers AI has are validated here (same ranges as the
 * OpenAI endpoint) and mapped; knobs of a local runtime (num_ctx, num_gpu, num_thread, mirostat,
 * min_p, ...) are accepted and ignored, as Ollama itself ignores options a runner lacks, because
 * Open WebUI sends whatever the user set in a model's parameters.
 */
export const OllamaOptions = looseObject({
  temperature: optionalNullable(numberIn(0, 2)),
  top_p: optionalNullable(numberIn(0, 1)),
  top_k: optionalNullable(TopK),
  seed: optionalNullable(int()),
  /** -1 (no limit) and -2 (fill the context) both mean "the proxy's default". */
  num_predict: optionalNullable(int().check(z.gte(-2))),
  stop: optionalNullable(StopSequences),
  repeat_penalty: optionalNullable(numberIn(0, 2)),
  frequency_penalty: optionalNullable(numberIn(-2, 2)),
  presence_penalty: optionalNullable(numberIn(-2, 2)),
});

const ToolCall = looseObject({
  id: optionalNullable(z.string()),
  function: looseObject({
    name: z.string().check(z.minLength(1)),
    arguments: optionalNullable(z.union([recordOf(z.unknown()), z.string()])),
  }),
});

export const OllamaMessage = looseObject({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  // Optional: Open WebUI leaves it out of image-only messages and sends "" with tool calls.
  content: optionalNullable(z.string()),
  /** Base64 images (Ollama sends them without a data: prefix). */
  images: optionalNullable(z.array(z.string())),
  tool_calls: optionalNullable(z.array(ToolCall)),
  thinking: optionalNullable(z.string()),
  tool_name: optionalNullable(z.string()),
  tool_call_id: optionalNullable(z.string()),
});

const common = {
  model: z.string().check(z.minLength(1)),
  /** "json" or a JSON schema. */
  format: optionalNullable(z.union([z.string(), recordOf(z.unknown())])),
  options: optionalNullable(OllamaOptions),
  /** Ollama streams unless told `false`. */
  stream: optionalNullable(z.boolean()),
  /** Accepted and ignored: nothing is loaded. 0 turns a load request into an unload one. */
  keep_alive: optionalNullable(z.union([z.string(), z.number()])),
  think: optionalNullable(z.union([z.boolean(), z.enum(['low', 'medium', 'high'])])),
};

/** POST /api/chat. No messages = "load the model" (Ollama's preload request). */
export const OllamaChatRequest = looseObject({
  ...common,
  messages: optionalNullable(z.array(OllamaMessage)),
  tools: optionalNullable(z.array(FunctionTool)),
});

/** POST /api/generate. No prompt (and no images) = "load the model". */
export const OllamaGenerateRequest = looseObject({
  ...common,
  prompt: optionalNullable(z.string()),
  system: optionalNullable(z.string()),
  images: optionalNullable(z.array(z.string())),
  suffix: optionalNullable(z.string()),
  template: optionalNullable(z.string()),
  context: optionalNullable(z.array(int())),
  raw: optionalNullable(z.boolean()),
});

/** POST /api/show: `model`, or `name` as older clients send it. */
export const OllamaShowRequest = looseObject({
  model: optionalNullable(z.string()),
  name: optionalNullable(z.string()),
  verbose: optionalNullable(z.boolean()),
});

export type OllamaOptions = z.infer<typeof OllamaOptions>;
export type OllamaMessage = z.infer<typeof OllamaMessage>;
export type OllamaChatRequest = z.infer<typeof OllamaChatRequest>;
export type OllamaGenerateRequest = z.infer<typeof OllamaGenerateRequest>;

/** POST /api/embed: one text or many. */
export const OllamaEmbedRequest = looseObject({
  model: z.string().check(z.minLength(1)),
  input: z.union([z.string(), z.array(z.string())]),
  truncate: z.optional(z.boolean()),
  dimensions: z.optional(int().check(z.gte(1))),
  options: z.optional(recordOf(z.unknown())),
  keep_alive: z.optional(z.union([z.string(), z.number()])),
});

/** POST /api/embeddings: the older single-text form. */
export const OllamaEmbeddingsRequest = looseObject({
  model: z.string().check(z.minLength(1)),
  prompt: z.string(),
  options: z.optional(recordOf(z.unknown())),
  keep_alive: z.optional(z.union([z.string(), z.number()])),
});

export type OllamaEmbedRequest = z.infer<typeof OllamaEmbedRequest>;
export type OllamaEmbeddingsRequest = z.infer<typeof OllamaEmbeddingsRequest>;
