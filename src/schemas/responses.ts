import * as z from 'zod/mini';
import { int, looseObject, numberIn, optionalNullable, recordOf, tagged } from './common';

/**
 * POST /v1/responses (OpenAI's Responses API). Unknown keys are accepted and ignored, as for
 * chat. Features this proxy cannot honour (built-in tools, stored state, file ids, audio and file
 * inputs, logprobs) are recognised here so the service can refuse them with a message that says
 * why, rather than "invalid value".
 */

const InputText = looseObject({ type: z.literal('input_text'), text: z.string() });
const InputImage = looseObject({
  type: z.literal('input_image'),
  image_url: optionalNullable(z.string()),
  file_id: optionalNullable(z.string()),
  detail: optionalNullable(z.string()),
});
const OutputText = looseObject({ type: z.literal('output_text'), text: z.string() });
const Refusal = looseObject({ type: z.literal('refusal'), refusal: z.string() });
const UnsupportedPart = looseObject({ type: z.enum(['input_file', 'input_audio']) });
const ContentPart = tagged('type', [InputText, InputImage, OutputText, Refusal, UnsupportedPart]);

/** A message; `type` may be left out (EasyInputMessage). Assistant messages carry output_text parts. */
const MessageItem = looseObject({
  type: z.optional(z.literal('message')),
  role: z.enum(['user', 'system', 'developer', 'assistant']),
  content: z.union([z.string(), z.array(ContentPart)]),
});
const FunctionCallItem = looseObject({
  type: z.literal('function_call'),
  call_id: z.string().check(z.minLength(1)),
  name: z.string().check(z.minLength(1)),
  arguments: z.string(),
});
const FunctionCallOutputItem = looseObject({
  type: z.literal('function_call_output'),
  call_id: z.string().check(z.minLength(1)),
  output: z.union([z.string(), z.array(ContentPart)]),
});
/** Reasoning from an earlier turn: accepted and not sent back to the model (as in chat). */
const ReasoningItem = looseObject({ type: z.literal('reasoning') });
const ItemReference = looseObject({ type: z.literal('item_reference'), id: z.string() });
/** Items of the built-in tools and stored state, which this proxy does not have. */
const UnsupportedItem = looseObject({
  type: z.enum([
    'file_search_call',
    'web_search_call',
    'computer_call',
    'computer_call_output',
    'code_interpreter_call',
    'image_generation_call',
    'local_shell_call',
    'local_shell_call_output',
    'shell_call',
    'shell_call_output',
    'apply_patch_call',
    'apply_patch_call_output',
    'mcp_list_tools',
    'mcp_approval_request',
    'mcp_approval_response',
    'mcp_call',
    'custom_tool_call',
    'custom_tool_call_output',
    'compaction',
  ]),
});
export const InputItem = tagged('type', [
  MessageItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  ReasoningItem,
  ItemReference,
  UnsupportedItem,
]);

export const FunctionTool = looseObject({
  type: z.literal('function'),
  name: z.string().check(z.minLength(1), z.maxLength(64)),
  description: optionalNullable(z.string()),
  parameters: optionalNullable(recordOf(z.unknown())),
  strict: optionalNullable(z.boolean()),
});
const BUILT_IN_TOOLS = [
  'web_search',
  'web_search_preview',
  'web_search_2025_08_26',
  'web_search_preview_2025_03_11',
  'file_search',
  'code_interpreter',
  'computer',
  'computer_use',
  'computer_use_preview',
  'image_generation',
  'mcp',
  'local_shell',
  'shell',
  'custom',
  'apply_patch',
  'tool_search',
] as const;
const BuiltInTool = looseObject({ type: z.enum(BUILT_IN_TOOLS) });
export const Tool = tagged('type', [FunctionTool, BuiltInTool]);

export const ToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  tagged('type', [
    looseObject({ type: z.literal('function'), name: z.string() }),
    looseObject({
      type: z.literal('allowed_tools'),
      mode: z.enum(['auto', 'required']),
      tools: z.array(looseObject({ type: z.string(), name: z.optional(z.string()) })),
    }),
    looseObject({ type: z.enum([...BUILT_IN_TOOLS, 'programmatic_tool_calling']) }),
  ]),
]);

export const TextFormat = tagged('type', [
  looseObject({ type: z.literal('text') }),
  looseObject({ type: z.literal('json_object') }),
  looseObject({
    type: z.literal('json_schema'),
    name: z.string().check(z.minLength(1), z.maxLength(64)),
    description: optionalNullable(z.string()),
    schema: recordOf(z.unknown()),
    strict: optionalNullable(z.boolean()),
  }),
]);

export const INCLUDABLE = [
  'file_search_call.results',
  'web_search_call.results',
  'web_search_call.action.sources',
  'message.input_image.image_url',
  'computer_call_output.output.image_url',
  'code_interpreter_call.outputs',
  'reasoning.encrypted_content',
  'message.output_text.logprobs',
] as const;

export const CreateResponseRequest = looseObject({
  model: z.string().check(z.minLength(1)),
  input: z.union([z.string(), z.array(InputItem).check(z.minLength(1))]),
  instructions: optionalNullable(z.string()),
  tools: optionalNullable(z.array(Tool)),
  tool_choice: optionalNullable(ToolChoice),
  parallel_tool_calls: optionalNullable(z.boolean()),
  max_output_tokens: optionalNullable(int().check(z.gte(1))),
  temperature: optionalNullable(numberIn(0, 2)),
  top_p: optionalNullable(numberIn(0, 1)),
  text: optionalNullable(
    looseObject({
      format: optionalNullable(TextFormat),
      verbosity: optionalNullable(z.enum(['low', 'medium', 'high'])),
    }),
  ),
  reasoning: optionalNullable(
    looseObject({
      effort: optionalNullable(z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'])),
      summary: optionalNullable(z.enum(['auto', 'concise', 'detailed'])),
    }),
  ),
  stream: optionalNullable(z.boolean()),
  stream_options: optionalNullable(looseObject({ include_obfuscation: z.optional(z.boolean()) })),
  metadata: optionalNullable(recordOf(z.string())),
  store: optionalNullable(z.boolean()),
  /** Routes requests that share a prompt prefix to one cache: Workers AI's `x-session-affinity`. */
  prompt_cache_key: optionalNullable(z.string().check(z.maxLength(256))),
  truncation: optionalNullable(z.enum(['auto', 'disabled'])),
  user: z.optional(z.string()),
  include: optionalNullable(z.array(z.enum(INCLUDABLE))),
  // Refused by the service: this proxy keeps no state, runs nothing in the background, has no
  // stored prompts and no token probabilities.
  previous_response_id: optionalNullable(z.string()),
  conversation: optionalNullable(z.union([z.string(), looseObject({ id: z.string() })])),
  background: optionalNullable(z.boolean()),
  prompt: optionalNullable(looseObject({})),
  top_logprobs: optionalNullable(int().check(z.gte(0), z.lte(20))),
  max_tool_calls: optionalNullable(int().check(z.gte(1))),
});

export type CreateResponseRequest = z.infer<typeof CreateResponseRequest>;
export type InputItem = z.infer<typeof InputItem>;
export type ContentPart = z.infer<typeof ContentPart>;
