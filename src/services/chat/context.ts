import { ApiError } from '../../errors';

/**
 * The max_tokens to send: the client's (or the default) limit, clamped to what the context window
 * leaves after the prompt. A prompt that alone fills the window is a 400 context_length_exceeded,
 * as OpenAI answers. Without a known window the limit is sent as is.
 */
export function fitMaxTokens(requested: number, promptTokens: number, contextWindow: number | undefined, param = 'messages'): number {
  if (!contextWindow) return requested;
  if (promptTokens >= contextWindow) {
    throw new ApiError(
      400,
      `This model's maximum context length is ${contextWindow} tokens. However, your ${param} resulted in about ${promptTokens} tokens (estimated at ~4 characters per token). Please reduce the length of the ${param}.`,
      'invalid_request_error',
      param,
      'context_length_exceeded',
    );
  }
  return Math.min(requested, contextWindow - promptTokens);
}
