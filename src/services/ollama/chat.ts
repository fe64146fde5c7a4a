import { invalidValue, notSupported } from '../../errors';
import type { ChatCompletionRequest, ChatMessage } from '../../schemas/chat';
import type { OllamaChatRequest, OllamaGenerateRequest, OllamaMessage } from '../../schemas/ollama';
import { completeRuns, planChat, runsOf, streamRuns } from '../chat/engine';
import type { Services } from '../index';
import { modelIdOf } from './models';
import { answerOf, ollamaAnswer, ollamaWriter, type OllamaKind } from './stream';

/**
 * The Ollama chat / generate API over the chat engine, as Messages and Responses are: the Ollama
 * request is translated to an OpenAI chat request, planned and run as /v1/chat/completions runs
 * it, and the answer written in Ollama's shape (a JSON object, or NDJSON lines from the engine's
 * stream hooks). Model resolution, upstream calls, stop sequences and usage stay in the engine.
 */

const IMAGE_TYPES: readonly [string, string][] = [
  ['/9j/', 'image/jpeg'],
  ['iVBORw0KGgo', 'image/png'],
  ['R0lGOD', 'image/gif'],
  ['UklGR', 'image/webp'],
];

/** Ollama images are bare base64; OpenAI image parts are data URLs, so the type is read from the magic bytes. */
function dataUrl(image: string, param: string): string {
  if (image.startsWith('data:')) return image;
  const type = IMAGE_TYPES.find(([prefix]) => image.startsWith(prefix))?.[1];
  if (!type) throw invalidValue(param, `'${param}' is not a base64-encoded PNG, JPEG, GIF or WebP image.`);
  return `data:${type};base64,${image}`;
}

function userContent(text: string, images: readonly string[] | null | undefined, param: string): Extract<ChatMessage, { role: 'user' }>['content'] {
  if (!images?.length) return text;
  return [
    ...(text ? [{ type: 'text' as const, text }] : []),
    ...images.map((image, j) => ({ type: 'image_url' as const, image_url: { url: dataUrl(image, `${param}[${j}]`) } })),
  ];
}

/**
 * Ollama messages -> OpenAI messages. Ollama tool calls carry no ids (newer clients may send
 * one): each gets a stable id, and a tool result is matched to the earliest unanswered call
 * of the same `tool_name` (or simply the earliest), which is how Ollama pairs them.
 */
function toChatMessages(messages: readonly OllamaMessage[]): ChatMessage[] {
  const pending: { id: string; name: string }[] = [];
  return messages.map((m, i): ChatMessage => {
    const text = m.content ?? '';
    if (m.images?.length && m.role !== 'user') throw notSupported(`messages[${i}].images`, `Images on a ${m.role} message`);
    switch (m.role) {
      case 'system':
        return { role: 'system', content: text };
      case 'user':
        return { role: 'user', content: userContent(text, m.images, `messages[${i}].images`) };
      case 'assistant': {
        // Earlier turns' `thinking` is not sent back: reasoning models are not meant to see it.
        if (!m.tool_calls?.length) return { role: 'assistant', content: text };
        const toolCalls = m.tool_calls.map((call, j) => {
          const id = call.id || `call_${i}_${j}`;
          pending.push({ id, name: call.function.name });
          const args = call.function.arguments;
          return { id, type: 'function' as const, function: { name: call.function.name, arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) } };
        });
        return { role: 'assistant', content: text || null, tool_calls: toolCalls };
      }
      case 'tool': {
        let at = pending.findIndex((p) => (m.tool_call_id ? p.id === m.tool_call_id : !m.tool_name || p.name === m.tool_name));
        if (at === -1 && !m.tool_call_id && pending.length) at = 0; // no call of that name: the earliest one
        const id = m.tool_call_id || pending[at]?.id || `call_${i}`;
        if (at !== -1) pending.splice(at, 1);
        return { role: 'tool', content: text, tool_call_id: id };
      }
    }
  });
}

type Common = Pick<OllamaChatRequest, 'options' | 'format' | 'think'>;

/** options / format / think -> the OpenAI request fields the chat service understands. */
function samplingOf(req: Common): Partial<ChatCompletionRequest> {
  const o = req.options ?? {};
  const out: Partial<ChatCompletionRequest> = {};
  if (o.temperature != null) out.temperature = o.temperature;
  if (o.top_p != null) out.top_p = o.top_p;
  // top_k 0 is Ollama's "disabled": not set.
  if (o.top_k) out.top_k = o.top_k;
  if (o.seed != null) out.seed = o.seed;
  if (o.frequency_penalty != null) out.frequency_penalty = o.frequency_penalty;
  if (o.presence_penalty != null) out.presence_penalty = o.presence_penalty;
  if (o.repeat_penalty != null) out.repetition_penalty = o.repeat_penalty;
  if (o.num_predict === 0) {
    throw invalidValue('options.num_predict', "'options.num_predict' must be positive, or -1 / -2 for the default.");
  }
  if (o.num_predict != null && o.num_predict > 0) out.max_tokens = o.num_predict;
  if (o.stop != null) out.stop = typeof o.stop === 'string' ? [o.stop] : o.stop;
  const format = req.format;
  if (typeof format === 'string') {
    if (format === 'json') out.response_format = { type: 'json_object' };
    else if (format !== '') throw invalidValue('format', `'format' must be "json" or a JSON schema.`);
  } else if (format) {
    out.response_format = { type: 'json_schema', json_schema: { name: 'ollama_format', schema: format } };
  }
  if (req.think != null) {
    // Passed along as sent (the chat service may use it); levels are OpenAI's reasoning_effort.
    (out as Record<string, unknown>).think = req.think;
    if (typeof req.think === 'string') out.reasoning_effort = req.think;
    else out.enable_thinking = req.think;
  }
  return out;
}

/** keep_alive 0 ("0", "0s", "0m") asks Ollama to unload the model. */
const isUnload = (keepAlive: string | number | null | undefined) =>
  keepAlive != null && (typeof keepAlive === 'number' ? keepAlive === 0 : Number.parseFloat(keepAlive) === 0);

export type OllamaResult = { stream: false; body: Record<string, unknown> } | { stream: true; body: ReadableStream<Uint8Array> };

export interface Run {
  kind: OllamaKind;
  model: string;
  think: OllamaChatRequest['think'];
  started: number;
}

/**
 * Ollama answers a request without messages / prompt by loading (or, with keep_alive 0,
 * unloading) the model. Nothing is loaded here, but the model is still checked.
 */
async function loadResponse(services: Services, run: Run, keepAlive: OllamaChatRequest['keep_alive']): Promise<OllamaResult> {
  await services.catalog.resolve(modelIdOf(run.model), 'openai-chat');
  return {
    stream: false,
    body: { model: run.model, created_at: new Date().toISOString(), ...answerOf(run.kind, ''), done_reason: isUnload(keepAlive) ? 'unload' : 'load', done: true },
  };
}

async function complete(services: Services, run: Run, chat: ChatCompletionRequest, signal?: AbortSignal): Promise<OllamaResult> {
  const runs = runsOf([await planChat(services, chat, signal)], 1);
  const o = { ...run, thinking: run.think !== false };
  if (chat.stream) {
    const writer = ollamaWriter(o);
    return { stream: true, body: await streamRuns(services, runs, { writer: () => writer, includeUsage: true, usage: (u) => writer.usage(u) }, signal) };
  }
  const [choice] = await completeRuns(services, runs, signal);
  return { stream: false, body: ollamaAnswer(choice!, o) };
}

function chatRequest(model: string, messages: ChatMessage[], stream: boolean, req: Common): ChatCompletionRequest {
  return {
    ...samplingOf(req),
    model: modelIdOf(model),
    messages,
    stream,
    ...(stream && { stream_options: { include_usage: true } }),
  } as ChatCompletionRequest;
}

/** The OpenAI request an /api/chat body becomes (without messages it is a load request, see ollamaChat). */
export function chatRequestOf(req: OllamaChatRequest): ChatCompletionRequest {
  const chat = chatRequest(req.model, toChatMessages(req.messages ?? []), req.stream !== false, req);
  if (req.tools?.length) chat.tools = req.tools;
  return chat;
}

/** The OpenAI request an /api/generate body becomes: `system` + `prompt` (+ `images`) as a two-message chat. */
export function generateRequestOf(req: OllamaGenerateRequest): ChatCompletionRequest {
  if (req.raw) throw notSupported('raw', 'raw mode (no chat template)');
  if (req.suffix) throw notSupported('suffix', 'Fill-in-the-middle (suffix)');
  if (req.template) throw notSupported('template', 'A custom prompt template');
  // This proxy returns no context to send back: the conversation goes to /api/chat as messages.
  if (req.context?.length) throw notSupported('context', 'context', ' Send the conversation to /api/chat.');
  const messages: ChatMessage[] = [
    ...(req.system ? [{ role: 'system' as const, content: req.system }] : []),
    { role: 'user', content: userContent(req.prompt ?? '', req.images, 'images') },
  ];
  return chatRequest(req.model, messages, req.stream !== false, req);
}

/** POST /api/chat. Both handlers translate first, so an invalid option is refused on a load request too. */
export async function ollamaChat(services: Services, req: OllamaChatRequest, started: number, signal?: AbortSignal): Promise<OllamaResult> {
  const run: Run = { kind: 'chat', model: req.model, think: req.think, started };
  const chat = chatRequestOf(req);
  if (!req.messages?.length) return loadResponse(services, run, req.keep_alive);
  return complete(services, run, chat, signal);
}

/** POST /api/generate */
export async function ollamaGenerate(services: Services, req: OllamaGenerateRequest, started: number, signal?: AbortSignal): Promise<OllamaResult> {
  const run: Run = { kind: 'generate', model: req.model, think: req.think, started };
  const chat = generateRequestOf(req);
  if (!req.prompt && !req.images?.length) return loadResponse(services, run, req.keep_alive);
  return complete(services, run, chat, signal);
}
