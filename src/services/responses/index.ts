/**
 * POST /v1/responses over the chat engine: the request is translated to a chat completion
 * request and planned, run and read exactly as /v1/chat/completions does (every model family,
 * tools, vision, JSON mode, reasoning splitting, context windows, errors), and the answer is
 * written as a Response object or the Responses event stream. gpt-oss takes this path too: its
 * native Responses input and output are what the chat engine already speaks to it.
 */
import { through, type ByteTransformer } from '../../lib/pull-stream';
import type { CreateResponseRequest } from '../../schemas/responses';
import { completeRuns, planChat, runsOf, streamRuns, type Choice } from '../chat/engine';
import type { Services } from '../index';
import { conversationOf, resolveInput, type ResolvedInput } from './history';
import { finishedResponse, responseShell, responseUsage, type OutputItem, type ResponseObject } from './object';
import { inResponsesTerms, toChatRequest } from './request';
import { itemIdOf, type ResponsesStore } from './store';
import { responsesWriter } from './stream';

export type ResponsesResult = { stream: false; body: ResponseObject } | { stream: true; body: ReadableStream<Uint8Array> };

/** A finished chat choice as a Response: [reasoning], message (unless the model only called tools), function calls. */
function responseOf(shell: ResponseObject, c: Choice): ResponseObject {
  const output: OutputItem[] = [];
  if (c.reasoning) output.push({ id: itemIdOf('rs', shell.id, output.length), type: 'reasoning', summary: [{ type: 'summary_text', text: c.reasoning }] });
  if (c.content || !c.toolCalls.length) {
    const cut = c.finish === 'length' || c.finish === 'content_filter';
    output.push({
      id: itemIdOf('msg', shell.id, output.length),
      type: 'message',
      status: cut ? 'incomplete' : 'completed',
      content: [{ type: 'output_text', text: c.content, annotations: [], logprobs: [] }],
      role: 'assistant',
    });
  }
  for (const call of c.toolCalls) {
    output.push({ id: itemIdOf('fc', shell.id, output.length), type: 'function_call', status: 'completed', arguments: call.function.arguments, call_id: call.id, name: call.function.name });
  }
  return { ...finishedResponse(shell, output, c.finish, responseUsage(c.usage, c.reasoning.length)), output_text: c.content };
}

export interface ResponsesCaller {
  /** The client's key fingerprint: stored responses are read and written under it only. */
  clientId?: string;
  signal?: AbortSignal;
}

/** Stored responses of the anonymous (keyless) deployments share one scope. */
export const scopeOf = (clientId: string | undefined) => clientId ?? 'anonymous';

/** Stores the finished response and its conversation; false (and a log line) when the write fails. */
async function keep(store: ResponsesStore, clientId: string, response: ResponseObject, resolved: ResolvedInput): Promise<boolean> {
  try {
    await store.put(clientId, { response, conversation: conversationOf(resolved, response.output) });
    return true;
  } catch (err) {
    console.error(`responses store: could not store ${response.id}: ${err instanceof Error ? err.message : String(err)}`);
    return false;
  }
}

/**
 * Runs one Responses request: a Response object, or (with `stream: true`) the event stream.
 * Errors before the first byte are thrown as ApiError with `param` in Responses terms; later
 * ones become `error` and `response.failed` events.
 *
 * With a store and `store` not false, the response is written before it is answered: before the
 * JSON is returned, or before the stream's closing response.completed is sent. Clients (the
 * Vercel AI SDK's tool loop) refer to the items in their very next request, so a write still in
 * flight (waitUntil) could be missed; and the response can say honestly whether it was stored.
 */
export async function createResponse(services: Services, req: CreateResponseRequest, caller: ResponsesCaller = {}): Promise<ResponsesResult> {
  const { signal } = caller;
  const store = services.responsesStore;
  const clientId = scopeOf(caller.clientId);
  const resolved = await resolveInput(store, clientId, req);
  const { chat, origins } = toChatRequest({ ...req, input: resolved.input }, resolved.history);
  const storing = store !== undefined && req.store !== false;
  try {
    const runs = runsOf([await planChat(services, chat, signal, { promptParam: 'input' })], 1);
    const shell = responseShell(req, storing);
    if (req.stream === true) {
      const writer = responsesWriter(shell, storing);
      const body = await streamRuns(services, runs, { writer: () => writer, includeUsage: true, usage: (u) => writer.usage(u) }, signal);
      if (!storing) return { stream: true, body };
      const closing: ByteTransformer = {
        transform(chunk, c) {
          if (chunk.length) c.enqueue(chunk);
        },
        async flush(c) {
          const response = writer.completed();
          if (response) c.enqueue(writer.completedEvent(await keep(store, clientId, response, resolved)));
        },
      };
      return { stream: true, body: through(body, closing) };
    }
    const [choice] = await completeRuns(services, runs, signal);
    const body = responseOf(shell, choice!);
    if (storing) body.store = await keep(store, clientId, body, resolved);
    return { stream: false, body };
  } catch (err) {
    throw inResponsesTerms(err, origins);
  }
}
