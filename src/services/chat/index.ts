import type { ChatCompletionRequest } from '../../schemas/chat';
import type { Services } from '../index';
import type { Usage } from '../usage';
import { choicesUsage, completeRuns, planChat, runsOf, streamRuns, type Choice } from './engine';
import type { ChatLogprobs } from './output';
import { chatWriter, type FinishReason } from './stream';
import type { ToolCall } from './tools';
import { uniqueHex } from '../../lib/random';

export interface ChatCompletionMessage {
  role: 'assistant';
  content: string | null;
  refusal: null;
  /** The model's thinking, for reasoning models (DeepSeek's field name, which OpenAI clients read). */
  reasoning_content?: string;
  tool_calls?: ToolCall[];
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: { index: number; message: ChatCompletionMessage; logprobs: ChatLogprobs | null; finish_reason: FinishReason }[];
  usage: Usage;
}

export type ChatResult = { stream: false; body: ChatCompletion } | { stream: true; body: ReadableStream<Uint8Array> };
export type { ToolCall } from './tools';

/**
 * Runs one OpenAI chat completion request on Workers AI: a `chat.completion` object, or (with
 * `stream: true`) a stream of `chat.completion.chunk` SSE bytes ending in `data: [DONE]`.
 * Errors before the first byte are thrown as ApiError; later ones become an error event.
 */
export async function createChatCompletion(services: Services, req: ChatCompletionRequest, signal?: AbortSignal): Promise<ChatResult> {
  const plan = await planChat(services, req, signal);
  const runs = runsOf([plan], req.n ?? 1);
  const id = `chatcmpl-${uniqueHex()}`;
  const created = Math.floor(Date.now() / 1000);

  if (req.stream === true) {
    const includeUsage = req.stream_options?.include_usage === true;
    const writer = (index: number) => chatWriter({ id, created, model: req.model, index, includeUsage });
    const body = await streamRuns(services, runs, { writer, includeUsage, usage: (u) => writer(0).usage(u) }, signal);
    return { stream: true, body };
  }

  const choices = await completeRuns(services, runs, signal);
  return {
    stream: false,
    body: { id, object: 'chat.completion', created, model: req.model, choices: choices.map(answerOf), usage: choicesUsage(runs, choices) },
  };
}

/** A choice as chat.completion's `choices[index]`; the optional message fields set only when there is something in them. */
function answerOf(c: Choice, index: number): ChatCompletion['choices'][number] {
  const message: ChatCompletionMessage = { role: 'assistant', content: c.toolCalls.length && !c.content ? null : c.content, refusal: null };
  if (c.reasoning) message.reasoning_content = c.reasoning;
  if (c.toolCalls.length) message.tool_calls = c.toolCalls;
  return { index, message, logprobs: c.logprobs ?? null, finish_reason: c.finish };
}
