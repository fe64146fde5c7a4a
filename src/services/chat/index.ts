import { ApiError, invalidRequest } from '../errors';
import type { ChatCompletionRequest, ChatMessage } from '../schemas/chat';
import type { Services } from './index';
import { SseDecoder, SSE_DONE, endWithErrorEvent, sseData } from './sse';
import { StopMatcher, firstStop } from './stop-sequences';
import { toApiError, upstreamCall } from './upstream-errors';
import { UpstreamError } from './upstream';
import { toUpstreamError } from './upstream/normalize-error';
import { estimateTokens, upstreamUsage, usageOf, type Usage } from './usage';

type FinishReason = 'stop' | 'length';
type WaiMessage = { role: string; content: string };

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: number;
    message: { role: 'assistant'; content: string; refusal: null };
    logprobs: null;
    finish_reason: FinishReason;
  }[];
  usage: Usage;
}

export type ChatResult = { stream: false; body: ChatCompletion } | { stream: true; body: ReadableStream<Uint8Array> };

const textOf = (content: ChatMessage['content']): string => {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => ('text' in part && typeof part.text === 'string' ? part.text : '')).join('\n');
};

/** Features this proxy does not offer are refused with a 400, never silently dropped. */
function rejectUnsupported(req: ChatCompletionRequest): void {
  const unsupported = (param: string, what: string) =>
    invalidRequest(`${what} is not supported by this proxy.`, param, 'unsupported_parameter');
  if (req.tools?.length) throw unsupported('tools', 'Tool calling');
  if (req.response_format && req.response_format.type !== 'text') throw unsupported('response_format', `response_format "${req.response_format.type}"`);
  if (req.n != null && req.n > 1) throw unsupported('n', 'n > 1');
  if (req.logprobs) throw unsupported('logprobs', 'logprobs');
  if (req.logit_bias && Object.keys(req.logit_bias).length) throw unsupported('logit_bias', 'logit_bias');
  req.messages.forEach((m, i) => {
    if (m.role === 'tool' || m.role === 'function' || (m.role === 'assistant' && m.tool_calls?.length)) {
      throw unsupported(`messages[${i}]`, 'Tool messages');
    }
    if (m.role === 'user' && Array.isArray(m.content)) {
      const other = m.content.find((p) => p.type !== 'text');
      if (other) throw unsupported(`messages[${i}].content`, `Content of type "${other.type}"`);
    }
  });
}

function toWaiMessages(messages: readonly ChatMessage[]): WaiMessage[] {
  // Workers AI chat templates know system/user/assistant; "developer" is OpenAI's new name for system.
  return messages.map((m) => ({ role: m.role === 'developer' ? 'system' : m.role, content: textOf(m.content) }));
}

const promptEstimate = (messages: readonly WaiMessage[]) =>
  messages.reduce((sum, m) => sum + estimateTokens(m.content) + 4, 0);

const randomId = () => crypto.randomUUID().replaceAll('-', '');

/** What a Workers AI text-generation call returned, in either of its output shapes. */
interface UpstreamCompletion {
  text: string;
  usage?: Usage;
  finishReason?: string;
}

function readCompletion(out: unknown): UpstreamCompletion {
  if (out && typeof out === 'object') {
    const o = out as Record<string, unknown>;
    const choice = Array.isArray(o.choices) ? (o.choices[0] as Record<string, any> | undefined) : undefined;
    if (choice) {
      const content = choice.message?.content ?? choice.text;
      return {
        text: typeof content === 'string' ? content : content == null ? '' : JSON.stringify(content),
        usage: upstreamUsage(o.usage),
        finishReason: typeof choice.finish_reason === 'string' ? choice.finish_reason : undefined,
      };
    }
    const response = o.response;
    return {
      text: typeof response === 'string' ? response : response == null ? '' : JSON.stringify(response),
      usage: upstreamUsage(o.usage),
    };
  }
  return { text: typeof out === 'string' ? out : '' };
}

function stopsOf(req: ChatCompletionRequest): string[] {
  const stop = req.stop;
  if (stop == null) return [];
  return (typeof stop === 'string' ? [stop] : stop).filter((s) => s.length > 0);
}

function finishReason(hitStop: boolean, upstream: string | undefined, completionTokens: number | undefined, maxTokens: number): FinishReason {
  if (hitStop) return 'stop';
  if (upstream === 'length' || (completionTokens !== undefined && completionTokens >= maxTokens)) return 'length';
  return 'stop';
}

export async function createChatCompletion(
  services: Services,
  req: ChatCompletionRequest,
  signal?: AbortSignal,
): Promise<ChatResult> {
  rejectUnsupported(req);
  const model = await services.catalog.resolve(req.model, 'openai-chat');
  const messages = toWaiMessages(req.messages);
  const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? services.config.defaultMaxTokens;
  const stream = req.stream === true;
  const inputs: Record<string, unknown> = { messages, max_tokens: maxTokens };
  for (const key of ['temperature', 'top_p', 'top_k', 'seed', 'frequency_penalty', 'presence_penalty', 'repetition_penalty'] as const) {
    if (req[key] != null) inputs[key] = req[key];
  }
  if (stream) inputs.stream = true;

  const out = await upstreamCall(model.id, () => services.upstream.run(model.id, inputs, { signal }));
  const id = `chatcmpl-${randomId()}`;
  const created = Math.floor(Date.now() / 1000);
  const stops = stopsOf(req);
  const promptTokens = () => promptEstimate(messages);

  if (stream) {
    const source = out instanceof ReadableStream ? (out as ReadableStream<Uint8Array>) : streamOfJson(out);
    const body = endWithErrorEvent(source, (err) => sseData(streamError(err, model.id))).pipeThrough(
      chatChunkStream({
        id,
        created,
        model: req.model,
        stops,
        maxTokens,
        includeUsage: req.stream_options?.include_usage === true,
        promptTokens,
      }),
    );
    return { stream: true, body };
  }

  const result = readCompletion(out);
  const at = stops.length ? firstStop(result.text, stops) : -1;
  const content = at === -1 ? result.text : result.text.slice(0, at);
  const usage = result.usage ?? usageOf(promptTokens(), estimateTokens(content));
  return {
    stream: false,
    body: {
      id,
      object: 'chat.completion',
      created,
      model: req.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: null },
          logprobs: null,
          finish_reason: finishReason(at !== -1, result.finishReason, result.usage?.completion_tokens, maxTokens),
        },
      ],
      usage,
    },
  };
}

function streamError(err: unknown, model: string): ReturnType<ApiError['toJSON']> {
  const apiError =
    err instanceof ApiError
      ? err
      : err instanceof UpstreamError
        ? toApiError(err, model)
        : toApiError(toUpstreamError(err), model);
  return apiError.toJSON();
}

/** Some models answer a streaming request with one JSON object: present it as a one-event stream. */
function streamOfJson(out: unknown): ReadableStream<Uint8Array> {
  const { text, usage } = readCompletion(out);
  return new ReadableStream({
    start(controller) {
      controller.enqueue(sseData({ response: text, ...(usage && { usage }) }));
      controller.enqueue(SSE_DONE);
      controller.close();
    },
  });
}

interface ChunkStreamOptions {
  id: string;
  created: number;
  model: string;
  stops: string[];
  maxTokens: number;
  includeUsage: boolean;
  promptTokens: () => number;
}

const encoder = new TextEncoder();

/**
 * Workers AI SSE bytes in, OpenAI `chat.completion.chunk` SSE bytes out, one event per
 * upstream event as it arrives. Stop sequences end the stream (and cancel the upstream).
 */
export function chatChunkStream(o: ChunkStreamOptions): TransformStream<Uint8Array, Uint8Array> {
  const head = `data: {"id":${JSON.stringify(o.id)},"object":"chat.completion.chunk","created":${o.created},"model":${JSON.stringify(o.model)},`;
  const usageNull = o.includeUsage ? ',"usage":null' : '';
  const chunk = (choice: string) => encoder.encode(`${head}"choices":[${choice}]${usageNull}}\n\n`);
  const content = (text: string) =>
    chunk(`{"index":0,"delta":{"content":${JSON.stringify(text)}},"logprobs":null,"finish_reason":null}`);

  const decoder = new SseDecoder();
  const matcher = o.stops.length ? new StopMatcher(o.stops) : undefined;
  let usage: Usage | undefined;
  let upstreamFinish: string | undefined;
  let emittedChars = 0;
  let finished = false;

  const finish = (controller: TransformStreamDefaultController<Uint8Array>, hitStop: boolean) => {
    if (finished) return;
    finished = true;
    const rest = hitStop ? '' : (matcher?.flush() ?? '');
    if (rest) {
      emittedChars += rest.length;
      controller.enqueue(content(rest));
    }
    const reason = finishReason(hitStop, upstreamFinish, usage?.completion_tokens, o.maxTokens);
    controller.enqueue(chunk(`{"index":0,"delta":{},"logprobs":null,"finish_reason":"${reason}"}`));
    if (o.includeUsage) {
      const final = usage ?? usageOf(o.promptTokens(), Math.ceil(emittedChars / 4));
      controller.enqueue(encoder.encode(`${head}"choices":[],"usage":${JSON.stringify(final)}}\n\n`));
    }
    controller.enqueue(SSE_DONE);
  };

  const onEvent = (controller: TransformStreamDefaultController<Uint8Array>, data: string) => {
    if (finished) return;
    if (data === '[DONE]') return finish(controller, false);
    let event: Record<string, any>;
    try {
      event = JSON.parse(data);
    } catch {
      return; // Not JSON: nothing a client could use.
    }
    if (event.error) {
      finished = true;
      const err = event.error;
      // Already OpenAI-shaped (a failure caught by endWithErrorEvent), or Workers AI's own error event.
      const payload =
        typeof err === 'object' && typeof err.type === 'string'
          ? event
          : toApiError(new UpstreamError(typeof err === 'string' ? err : String(err.message ?? 'Upstream error'), typeof err.code === 'number' ? err.code : undefined));
      controller.enqueue(sseData(payload));
      controller.enqueue(SSE_DONE);
      return;
    }
    const eventUsage = upstreamUsage(event.usage);
    if (eventUsage) usage = eventUsage;
    const choice = Array.isArray(event.choices) ? event.choices[0] : undefined;
    if (choice?.finish_reason) upstreamFinish = choice.finish_reason;
    const text: unknown = event.response ?? choice?.delta?.content;
    if (typeof text !== 'string' || text === '') return;
    let out = text;
    let hitStop = false;
    if (matcher) ({ text: out, stopped: hitStop } = matcher.push(text));
    if (out) {
      emittedChars += out.length;
      controller.enqueue(content(out));
    }
    if (hitStop) {
      finish(controller, true);
      // Ends the client stream now; the pipe then cancels the upstream generation.
      controller.terminate();
    }
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    start(controller) {
      controller.enqueue(chunk(`{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}`));
    },
    transform(bytes, controller) {
      if (!finished) decoder.push(bytes, (data) => onEvent(controller, data));
    },
    flush(controller) {
      decoder.end((data) => onEvent(controller, data));
      finish(controller, false);
    },
  });
}
