import * as z from 'zod/mini';
import { int, looseObject, numberIn, optionalNullable, recordOf, tagged } from './common';

/**
 * POST /v1/messages and /v1/messages/count_tokens (Anthropic's Messages API). Unknown keys are
 * accepted, as for chat. Block types and fields this proxy cannot honour (documents, server tools
 * and their result blocks, citations, containers, MCP servers) are recognised here so the service
 * can refuse them with a message that says why, rather than "invalid value".
 */

/** Prompt caching is Anthropic's own: accepted on every block, with nothing to do here. */
const cacheControl = optionalNullable(looseObject({ type: z.string() }));

const TextBlock = looseObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl,
  citations: optionalNullable(z.array(z.unknown())),
});

const ImageSource = tagged('type', [
  looseObject({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
  looseObject({ type: z.literal('url'), url: z.string() }),
  looseObject({ type: z.literal('file'), file_id: z.string() }),
]);
const ImageBlock = looseObject({ type: z.literal('image'), source: ImageSource, cache_control: cacheControl });

const ToolUseBlock = looseObject({
  type: z.literal('tool_use'),
  id: z.string().check(z.minLength(1)),
  name: z.string().check(z.minLength(1)),
  input: z.unknown(),
  cache_control: cacheControl,
});

/** Tool search (Claude Code's ToolSearch): names a deferred tool to load. */
const ToolReferenceBlock = looseObject({ type: z.literal('tool_reference'), tool_name: z.string().check(z.minLength(1)) });
/** Blocks of features this proxy does not have, recognised to be refused by name. */
const UNSUPPORTED_BLOCKS = [
  'document',
  'search_result',
  'container_upload',
  'server_tool_use',
  'web_search_tool_result',
  'web_fetch_tool_result',
  'code_execution_tool_result',
  'bash_code_execution_tool_result',
  'text_editor_code_execution_tool_result',
  'tool_search_tool_result',
  'mcp_tool_use',
  'mcp_tool_result',
  'compaction',
] as const;
const UnsupportedBlock = looseObject({ type: z.enum(UNSUPPORTED_BLOCKS) });

const ToolResultBlock = looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().check(z.minLength(1)),
  content: z.optional(z.union([z.string(), z.array(tagged('type', [TextBlock, ImageBlock, ToolReferenceBlock, UnsupportedBlock]))])),
  is_error: optionalNullable(z.boolean()),
  cache_control: cacheControl,
});

const ThinkingBlock = looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.optional(z.string()) });
const RedactedThinkingBlock = looseObject({ type: z.literal('redacted_thinking'), data: z.string() });

export const ContentBlock = tagged('type', [
  TextBlock,
  ImageBlock,
  ToolUseBlock,
  ToolResultBlock,
  ThinkingBlock,
  RedactedThinkingBlock,
  UnsupportedBlock,
]);

/** `system` messages inside `messages` are what Claude Code sends for per-turn instructions. */
export const MessageParam = looseObject({
  role: z.enum(['user', 'assistant', 'system']),
  content: z.union([z.string(), z.array(ContentBlock)]),
});

/**
 * A client tool (`type` absent or "custom") or one of Anthropic's server / versioned tools
 * (`web_search_20250305`, `bash_20250124`, ...), which the service refuses by its type.
 */
export const Tool = looseObject({
  type: optionalNullable(z.string()),
  name: z.string().check(z.minLength(1), z.maxLength(128)),
  description: z.optional(z.string()),
  input_schema: z.optional(recordOf(z.unknown())),
  cache_control: cacheControl,
  defer_loading: z.optional(z.boolean()),
  strict: z.optional(z.boolean()),
});

const parallel = { disable_parallel_tool_use: z.optional(z.boolean()) };
export const ToolChoice = tagged('type', [
  looseObject({ type: z.literal('auto'), ...parallel }),
  looseObject({ type: z.literal('any'), ...parallel }),
  looseObject({ type: z.literal('tool'), name: z.string(), ...parallel }),
  looseObject({ type: z.literal('none') }),
]);

// `omitted` hides the thinking; other values (summarized, Claude Code's `updates`) show it.
const display = z.optional(z.string());
export const Thinking = tagged('type', [
  looseObject({ type: z.literal('enabled'), budget_tokens: int().check(z.gte(1024)), display }),
  looseObject({ type: z.literal('adaptive'), display }),
  looseObject({ type: z.literal('disabled') }),
]);

export const OutputConfig = looseObject({
  effort: optionalNullable(z.enum(['low', 'medium', 'high', 'xhigh', 'max'])),
  format: optionalNullable(looseObject({ type: z.literal('json_schema'), schema: recordOf(z.unknown()) })),
});

const fields = {
  model: z.string().check(z.minLength(1)),
  messages: z.array(MessageParam),
  system: z.optional(z.union([z.string(), z.array(TextBlock)])),
  tools: z.optional(z.array(Tool)),
  tool_choice: z.optional(ToolChoice),
  thinking: z.optional(Thinking),
  output_config: optionalNullable(OutputConfig),
  // Claude Code's context editing: only clearing old thinking is possible here (see request.ts).
  context_management: optionalNullable(looseObject({ edits: z.optional(z.array(looseObject({ type: z.string() }))) })),
  // Refused by the service: no MCP connector, no code-execution containers.
  mcp_servers: z.optional(z.array(z.unknown())),
  container: optionalNullable(z.unknown()),
};

export const CreateMessageRequest = looseObject({
  ...fields,
  max_tokens: int().check(z.gte(1)),
  stop_sequences: z.optional(z.array(z.string())),
  temperature: z.optional(numberIn(0, 1)),
  top_p: z.optional(numberIn(0, 1)),
  top_k: z.optional(int().check(z.gte(0))),
  stream: z.optional(z.boolean()),
  metadata: z.optional(looseObject({ user_id: optionalNullable(z.string()) })),
  service_tier: z.optional(z.enum(['auto', 'standard_only'])),
});

export const CountTokensRequest = looseObject(fields);

export type CreateMessageRequest = z.infer<typeof CreateMessageRequest>;
export type CountTokensRequest = z.infer<typeof CountTokensRequest>;
export type MessageParam = z.infer<typeof MessageParam>;
export type ContentBlock = z.infer<typeof ContentBlock>;
export type AnthropicTool = z.infer<typeof Tool>;
