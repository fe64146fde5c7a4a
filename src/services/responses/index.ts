/**
 * POST /v1/responses over the chat engine: the request is translated to a chat completion
 * request and planned, run and read exactly as /v1/chat/completions does (every model family,
 * tools, vision, JSON mode, reasoning splitting, context windows, errors), and the answer is
 * written as a Response object or the Responses event stream. gpt-oss takes this path too: its
 * native Responses input and output are what the chat engine already speaks to it.
 */
import type { CreateResponseRequest } from '../../schemas/responses';
import { completeRuns, planChat, runsOf, streamRuns, type Choice } from '../chat/engine';
import type { Services } from '../index';
import { finishedResponse, newId, responseShell, responseUsage, type OutputItem, type ResponseObject } from './object';
import { inResponsesTerms, toChatRequest } from './request';
import { responsesWriter } from './stream';

export type ResponsesResult = { stream: false; body: ResponseObject } | { stream: true; body: ReadableStream<Uint8Array> };

/** A finished chat choice as a Response: [reasoning], message (unless the model only called tools), function calls. */
function responseOf(shell: ResponseObject, c: Choice): ResponseObject {
  const output: OutputItem[] = [];
  if (c.reasoning) output.push({ id: newId('rs'), type: 'reasoning', summary: [{ type: 'summary_text', text: c.reasoning }] });
  if (c.content || !c.toolCalls.length) {
    const cut = c.finish === 'length' || c.finish === 'content_filter';
    output.push({
      id: newId('msg'),
      type: 'message',
      status: cut ? 'incomplete' : 'completed',
      content: [{ type: 'output_text', text: c.content, annotations: [], logprobs: [] }],
      role: 'assistant',
    });
  }
  for (const call of c.toolCalls) {
    output.push({ id: newId('fc'), type: 'function_call', status: 'completed', arguments: call.function.arguments, call_id: call.id, name: call.function.name });
  }
  return { ...finishedResponse(shell, output, c.finish, responseUsage(c.usage, c.reasoning.length)), output_text: c.content };
}

/**
 * Runs one Responses request: a Response object, or (with `stream: true`) the event stream.
 * Errors before the first byte are thrown as ApiError with `param` in Responses terms; later
 * ones become `error` and `response.failed` events.
 */
export async function createResponse(services: Services, req: CreateResponseRequest, signal?: AbortSignal): Promise<ResponsesResult> {
  const { chat, origins } = toChatRequest(req);
  try {
    const runs = runsOf([await planChat(services, chat, signal, { promptParam: 'input' })], 1);
    const shell = responseShell(req);
    if (req.stream === true) {
      const writer = responsesWriter(shell);
      return { stream: true, body: await streamRuns(services, runs, { writer: () => writer, includeUsage: true, usage: (u) => writer.usage(u) }, signal) };
    }
    const [choice] = await completeRuns(services, runs, signal);
    return { stream: false, body: responseOf(shell, choice!) };
  } catch (err) {
    throw inResponsesTerms(err, origins);
  }
}
