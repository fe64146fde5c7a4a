/**
 * Pieces the other surfaces (Anthropic Messages, Responses) share when they translate a request
 * into the chat completion request the engine runs, so each says them once.
 */
import type { ChatCompletionRequest } from '../../schemas/chat';

export type ChatTool = NonNullable<ChatCompletionRequest['tools']>[number];

/** A function tool in chat terms; fields the client left out stay out. */
export const functionTool = (name: string, description?: string | null, parameters?: Record<string, unknown> | null, strict?: boolean | null): ChatTool => ({
  type: 'function',
  function: { name, ...(description != null && { description }), ...(parameters != null && { parameters }), ...(strict != null && { strict }) },
});

/** The chat engine knows efforts up to `high`: the newer `xhigh` and `max` ask for its most. */
export const chatEffort = (effort: string | null | undefined): ChatCompletionRequest['reasoning_effort'] =>
  (effort === 'xhigh' || effort === 'max' ? 'high' : effort) as ChatCompletionRequest['reasoning_effort'];

/** Images by file id: no surface here has a Files API to read them from. */
export const NO_FILES_API = 'Images by file_id need the Files API, which this proxy lacks';
