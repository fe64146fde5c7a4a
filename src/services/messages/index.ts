/**
 * POST /v1/messages over the chat engine, as the Responses API is: the request is translated to
 * a chat completion request and planned, run and read exactly as /v1/chat/completions does
 * (every model family, tools, vision, JSON output, reasoning splitting, stop sequences, context
 * windows, errors), and the answer is written as an Anthropic Message or its event stream.
 */
import type { CountTokensRequest, CreateMessageRequest } from '../../schemas/messages';
import { completeRuns, countPromptTokens, planChat, runsOf, streamRuns } from '../chat/engine';
import type { Services } from '../index';
import { modelFor } from './models';
import { messageOf, newMessageId, type MessageObject } from './object';
import { toChatRequest } from './request';
import { messagesWriter, withPings } from './stream';

export type MessagesResult = { stream: false; body: MessageObject } | { stream: true; body: ReadableStream<Uint8Array> };

/** Anthropic pings while a stream is quiet; idle proxies and clients give up after tens of seconds. */
export const PING_INTERVAL_MS = 10_000;

/**
 * Runs one Messages request: a Message, or (with `stream: true`) the event stream. Errors before
 * the first byte are thrown as ApiError (shaped for Anthropic clients by the errors middleware);
 * later ones become an `error` event.
 */
export async function createMessage(services: Services, req: CreateMessageRequest, caller: { signal?: AbortSignal; requestId?: string } = {}): Promise<MessagesResult> {
  const { signal, requestId } = caller;
  const { chat, showThinking } = toChatRequest(req, modelFor(req.model, services.config));
  const plan = await planChat(services, chat, signal, { promptParam: 'messages' });
  const runs = runsOf([plan], 1);
  const id = newMessageId();
  if (req.stream === true) {
    const writer = messagesWriter({ id, model: req.model, inputTokens: plan.promptTokens, showThinking, requestId });
    const body = await streamRuns(services, runs, { writer: () => writer, includeUsage: true, usage: (u) => writer.usage(u) }, signal);
    return { stream: true, body: withPings(body, PING_INTERVAL_MS) };
  }
  const [choice] = await completeRuns(services, runs, signal);
  return { stream: false, body: messageOf(id, req.model, choice!, showThinking) };
}

/** POST /v1/messages/count_tokens: the prompt estimate the proxy itself uses (~4 characters per token). */
export async function countTokens(services: Services, req: CountTokensRequest): Promise<{ input_tokens: number }> {
  const { chat } = toChatRequest(req, modelFor(req.model, services.config));
  return { input_tokens: await countPromptTokens(services, chat) };
}
