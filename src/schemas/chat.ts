import * as z from 'zod/mini';
import { int, looseObject, numberIn, optionalNullable, recordOf, StopSequences, tagged, TopK } from './common';

const TextPart = looseObject({ type: z.literal('text'), text: z.string() });
const ImagePart = looseObject({
  type: z.literal('image_url'),
  image_url: z.union([z.string(), looseObject({ url: z.string(), detail: z.optional(z.string()) })]),
});
const RefusalPart = looseObject({ type: z.literal('refusal'), refusal: z.string() });
// Audio and file parts are recognised so the error can say they are unsupported, not "invalid".
const OtherPart = looseObject({ type: z.enum(['input_audio', 'file']) });

const TextContent = z.union([z.string(), z.array(TextPart)]);
export const UserContent = z.union([z.string(), z.array(tagged('type', [TextPart, ImagePart, OtherPart]))]);

const ToolCall = looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: looseObject({ name: z.string(), arguments: z.string() }),
});

const SystemMessage = looseObject({ role: z.literal('system'), content: TextContent, name: z.optional(z.string()) });
const DeveloperMessage = looseObject({ role: z.literal('developer'), content: TextContent, name: z.optional(z.string()) });
const UserMessage = looseObject({ role: z.literal('user'), content: UserContent, name: z.optional(z.string()) });
const AssistantMessage = looseObject({
  role: z.literal('assistant'),
  content: optionalNullable(z.union([z.string(), z.array(tagged('type', [TextPart, RefusalPart]))])),
  tool_calls: optionalNullable(z.array(ToolCall)),
  reasoning_content: optionalNullable(z.string()),
  name: z.optional(z.string()),
});
const ToolMessage = looseObject({ role: z.literal('tool'), content: TextContent, tool_call_id: z.string() });
const FunctionMessage = looseObject({ role: z.literal('function'), content: z.nullable(z.string()), name: z.string() });

export const ChatMessage = tagged('role', [
  SystemMessage,
  DeveloperMessage,
  UserMessage,
  AssistantMessage,
  ToolMessage,
  FunctionMessage,
]);

export const FunctionTool = looseObject({
  type: z.literal('function'),
  function: looseObject({
    name: z.string().check(z.minLength(1), z.maxLength(64)),
    description: z.optional(z.string()),
    parameters: z.optional(recordOf(z.unknown())),
    strict: optionalNullable(z.boolean()),
  }),
});

export const ToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  looseObject({ type: z.literal('function'), function: looseObject({ name: z.string() }) }),
]);

export const ResponseFormat = tagged('type', [
  looseObject({ type: z.literal('text') }),
  looseObject({ type: z.literal('json_object') }),
  looseObject({
    type: z.literal('json_schema'),
    json_schema: looseObject({
      name: z.string(),
      description: z.optional(z.string()),
      schema: z.optional(recordOf(z.unknown())),
      strict: optionalNullable(z.boolean()),
    }),
  }),
]);

const maxTokens = optionalNullable(int().check(z.gte(1)));

/** POST /v1/chat/completions. Unknown keys are accepted and ignored, as OpenAI clients send many. */
export const ChatCompletionRequest = looseObject({
  model: z.string().check(z.minLength(1)),
  messages: z.array(ChatMessage).check(z.minLength(1)),
  stream: optionalNullable(z.boolean()),
  stream_options: optionalNullable(looseObject({ include_usage: optionalNullable(z.boolean()) })),
  max_tokens: maxTokens,
  max_completion_tokens: maxTokens,
  temperature: optionalNullable(numberIn(0, 2)),
  top_p: optionalNullable(numberIn(0, 1)),
  top_k: optionalNullable(TopK),
  seed: optionalNullable(int()),
  frequency_penalty: optionalNullable(numberIn(-2, 2)),
  presence_penalty: optionalNullable(numberIn(-2, 2)),
  repetition_penalty: optionalNullable(numberIn(0, 2)),
  stop: optionalNullable(StopSequences),
  // Up to 128 for models that take `n` (one call); at most MAX_COPIES (8) runs for the others (engine.ts).
  n: optionalNullable(int().check(z.gte(1), z.lte(128))),
  tools: optionalNullable(z.array(FunctionTool)),
  tool_choice: optionalNullable(ToolChoice),
  parallel_tool_calls: optionalNullable(z.boolean()),
  response_format: optionalNullable(ResponseFormat),
  reasoning_effort: optionalNullable(z.enum(['none', 'minimal', 'low', 'medium', 'high'])),
  // Thinking switches clients send outside OpenAI's API (Cherry Studio, Qwen's and Anthropic's
  // shapes): mapped onto what the model takes, see services/chat/reasoning.ts.
  enable_thinking: optionalNullable(z.boolean()),
  thinking_budget: optionalNullable(int().check(z.gte(0))),
  thinking: optionalNullable(
    looseObject({ type: z.enum(['enabled', 'disabled', 'auto']), budget_tokens: optionalNullable(int().check(z.gte(0))) }),
  ),
  logprobs: optionalNullable(z.boolean()),
  top_logprobs: optionalNullable(int().check(z.gte(0), z.lte(20))),
  logit_bias: optionalNullable(recordOf(z.number())),
  /** Predicted Outputs: sent to the models whose schema takes it. */
  prediction: optionalNullable(looseObject({ type: z.literal('content'), content: z.union([z.string(), z.array(TextPart)]) })),
  user: z.optional(z.string()),
  /** Routes requests that share a prompt prefix to one cache: Workers AI's `x-session-affinity`. */
  prompt_cache_key: optionalNullable(z.string().check(z.maxLength(256))),
  metadata: optionalNullable(recordOf(z.string())),
  store: optionalNullable(z.boolean()),
});

export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;
export type ChatMessage = z.infer<typeof ChatMessage>;
