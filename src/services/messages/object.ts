/**
 * Anthropic's `Message` object and its content blocks, shared by the non-stream answer and the
 * stream's message_start. Every field Anthropic's API reference lists on a Message is present
 * (null where this proxy has nothing to say), so clients that read them all find them.
 */
import type { Choice } from '../chat/engine';
import type { FinishReason } from '../chat/stream';
import { reasoningTokensOf, type Usage } from '../usage';
import { randomAlnum } from '../../lib/random';

export interface TextBlock {
  type: 'text';
  text: string;
  citations: null;
}
export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature: string;
}
export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
  caller: { type: 'direct' };
}
export type ContentBlock = TextBlock | ThinkingBlock | ToolUseBlock;

export type StopReason = 'end_turn' | 'max_tokens' | 'stop_sequence' | 'tool_use' | 'refusal';

export interface MessageUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  inference_geo: null;
  output_tokens_details: { thinking_tokens: number };
  server_tool_use: null;
  service_tier: 'standard';
  speed: null;
}

export interface MessageObject {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ContentBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  stop_details: null;
  container: null;
  diagnostics: null;
  usage: MessageUsage;
}

export const newMessageId = () => `msg_${randomAlnum(24)}`;

/** Anthropic clients check tool_use ids against ^[a-zA-Z0-9_-]+$; an upstream id that is not one is replaced. */
export const toolUseId = (upstream: string | undefined) => (upstream && /^[A-Za-z0-9_-]+$/.test(upstream) ? upstream : `toolu_${randomAlnum(24)}`);

/**
 * Thinking blocks carry a signature that Anthropic verifies when they are sent back. Nothing is
 * verified here (thinking is never sent back to the model): a fixed marker says where it came from.
 */
export const THINKING_SIGNATURE = 'workers-ai-openai';

export function stopReasonOf(finish: FinishReason, stopSequence: string | undefined): StopReason {
  if (stopSequence !== undefined) return 'stop_sequence';
  if (finish === 'length') return 'max_tokens';
  if (finish === 'tool_calls') return 'tool_use';
  if (finish === 'content_filter') return 'refusal';
  return 'end_turn';
}

/** Workers AI does not count thinking tokens apart: estimated from the thinking text. */
export const thinkingTokens = reasoningTokensOf;

/** Usage in Anthropic terms; nothing is cached on Anthropic's side here, so the cache counts are 0. */
export function messageUsage(input: number, output: number, thinkingChars = 0): MessageUsage {
  return {
    input_tokens: input,
    output_tokens: output,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    inference_geo: null,
    output_tokens_details: { thinking_tokens: thinkingTokens(output, thinkingChars) },
    server_tool_use: null,
    service_tier: 'standard',
    speed: null,
  };
}

/** The message before any content: what message_start carries. */
export const messageShell = (id: string, model: string, inputTokens: number): MessageObject => ({
  id,
  type: 'message',
  role: 'assistant',
  model,
  content: [],
  stop_reason: null,
  stop_sequence: null,
  stop_details: null,
  container: null,
  diagnostics: null,
  usage: messageUsage(inputTokens, 0),
});

/** Tool arguments as the `input` object; text that is not a JSON object is kept under `raw` rather than lost. */
export function inputOf(args: string): unknown {
  if (!args.trim()) return {};
  try {
    const parsed: unknown = JSON.parse(args);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : { raw: args };
  } catch {
    return { raw: args };
  }
}

/** A finished chat choice as a Message: [thinking], [text], tool_use blocks. */
export function messageOf(id: string, model: string, c: Choice, showThinking: boolean): MessageObject {
  const content: ContentBlock[] = [];
  if (c.reasoning && showThinking) content.push({ type: 'thinking', thinking: c.reasoning, signature: THINKING_SIGNATURE });
  if (c.content || !c.toolCalls.length) content.push({ type: 'text', text: c.content, citations: null });
  for (const call of c.toolCalls) {
    content.push({ type: 'tool_use', id: toolUseId(call.id), name: call.function.name, input: inputOf(call.function.arguments), caller: { type: 'direct' } });
  }
  const usage: Usage = c.usage;
  return {
    ...messageShell(id, model, usage.prompt_tokens),
    content,
    stop_reason: stopReasonOf(c.finish, c.stopSequence),
    stop_sequence: c.stopSequence ?? null,
    usage: messageUsage(usage.prompt_tokens, usage.completion_tokens, c.reasoning.length),
  };
}
