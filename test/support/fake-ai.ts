import { TEST_CATALOG } from './catalog';
import type { CatalogModel } from '../../src/services/upstream/types';

export interface RunCall {
  model: string;
  inputs: Record<string, any>;
  options: Record<string, any> | undefined;
}

type RunHandler = (model: string, inputs: Record<string, any>, options?: Record<string, any>) => unknown;

/**
 * A stand-in for the `env.AI` binding: records every call and answers with whatever the test
 * scripts, in the shapes the real binding returns (objects, or ReadableStreams of SSE bytes).
 */
export function fakeAI(handler: RunHandler = () => ({ response: 'Hello!', usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 } }), catalog: CatalogModel[] = TEST_CATALOG) {
  const calls: RunCall[] = [];
  const modelCalls: unknown[] = [];
  const ai = {
    calls,
    modelCalls,
    async run(model: string, inputs: Record<string, any>, options?: Record<string, any>) {
      calls.push({ model, inputs, options });
      return handler(model, inputs, options);
    },
    async models(params?: unknown) {
      modelCalls.push(params);
      return structuredClone(catalog);
    },
  };
  return ai;
}

export type FakeAI = ReturnType<typeof fakeAI>;

const encoder = new TextEncoder();

/** SSE bytes as Workers AI sends them; `pieces` may split events anywhere to exercise the parser. */
export function sseStream(events: (object | '[DONE]')[], opts: { split?: number; delayMs?: number } = {}): ReadableStream<Uint8Array> {
  const text = events.map((e) => `data: ${e === '[DONE]' ? e : JSON.stringify(e)}\n\n`).join('');
  const bytes = encoder.encode(text);
  const size = opts.split ?? bytes.length;
  let offset = 0;
  return new ReadableStream({
    async pull(controller) {
      if (offset >= bytes.length) return controller.close();
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

/** The legacy Workers AI text stream: one `{response}` event per token, a usage event, then [DONE]. */
export function tokenStream(tokens: string[], usage?: object, opts?: { split?: number; delayMs?: number }) {
  return sseStream([...tokens.map((response) => ({ response, p: 'abcdef' })), ...(usage ? [{ response: '', usage }] : []), '[DONE]'], opts);
}

/** An error as the binding throws it: a message that starts with the Cloudflare code. */
export const bindingError = (code: number, message: string) => new Error(`${code}: ${message}`);

/**
 * An upstream stream that sends `first`, then waits until `release()` before sending `rest` and
 * closing: proves the proxy forwards an event before the next one exists (no buffering).
 */
export function gatedStream(first: string, rest: string) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const stream = new ReadableStream<Uint8Array>({
    async start(c) {
      c.enqueue(encoder.encode(first));
      await gate;
      c.enqueue(encoder.encode(rest));
      c.close();
    },
  });
  return { stream, release };
}

/**
 * Cloudflare error codes the binding throws (messages as Workers AI words them), and the OpenAI
 * status, code and type each must become: the error table (src/services/upstream/error-table.ts)
 * seen from outside. `retry` is the x-should-retry header the OpenAI SDKs obey.
 */
export const UPSTREAM_ERROR_CASES: [code: number, message: string, status: number, errorCode: string, type: string, retry: boolean][] = [
  [3040, 'Capacity temporarily exceeded, please try again.', 429, 'upstream_overloaded', 'rate_limit_error', true],
  [3036, "You have used up your daily free allocation of 10,000 neurons. Please upgrade to Cloudflare's Workers Paid plan if you would like to continue usage.", 429, 'insufficient_quota', 'insufficient_quota', false],
  [4006, "you have used up your daily free allocation of 10,000 neurons, please upgrade to Cloudflare's Workers Paid plan if you would like to continue usage.", 429, 'insufficient_quota', 'insufficient_quota', false],
  [5007, 'No such model @cf/x/y or task', 404, 'model_not_found', 'invalid_request_error', false],
  [5021, 'The estimated number of input and maximum output tokens (9000) exceeded this model context window limit (7968).', 400, 'context_length_exceeded', 'invalid_request_error', false],
  [3010, "Invalid or incomplete input for the model: model returned: This model's maximum context length is 4096 tokens.", 400, 'context_length_exceeded', 'invalid_request_error', false],
  [3010, 'Invalid or incomplete input for the model', 400, 'upstream_invalid_input', 'invalid_request_error', false],
  [5023, 'JSON Schema mode is not supported with stream mode', 400, 'unsupported_parameter', 'invalid_request_error', false],
  [5028, 'This model was deprecated', 410, 'model_deprecated', 'invalid_request_error', false],
  [5035, 'This model requires the Workers Paid plan', 403, 'model_requires_paid_plan', 'invalid_request_error', false],
  [5006, "Error: required properties at '/' are 'prompt'", 400, 'upstream_invalid_input', 'invalid_request_error', false],
  [3006, 'Request is too large', 413, 'request_too_large', 'invalid_request_error', false],
  [3007, 'Request timeout', 504, 'upstream_timeout', 'server_error', true],
  [10000, 'Authentication error', 502, 'upstream_auth_failed', 'server_error', false],
  [9999, 'Something else', 502, 'upstream_error', 'server_error', true],
];

/**
 * An upstream stream that delivers one event, then fails on the next read with a Cloudflare
 * capacity error (3040): a failure in the middle of a generation.
 */
export function failingStream(first = 'data: {"response":"partial"}\n\n'): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent) return c.error(bindingError(3040, 'Capacity temporarily exceeded'));
      sent = true;
      c.enqueue(encoder.encode(first));
    },
  });
}
