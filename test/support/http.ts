import { createExecutionContext, env as poolEnv, waitOnExecutionContext } from 'cloudflare:test';
import { devWorker } from '../../src/dev';
import type { Env } from '../../src/env';
import { expectSchema, type SchemaName } from '../openapi/validate';
import { fakeAI, type FakeAI } from './fake-ai';

export const KEY = 'sk-test-key-1';

/** An environment on the binding transport with a key configured and request logging off. */
export function bindingEnv(ai: FakeAI = fakeAI(), extra: Partial<Env> = {}): Env & { AI: FakeAI } {
  return { AI: ai as unknown as Ai, PROXY_API_KEY: KEY, LOG_REQUESTS: 'false', ...extra } as Env & { AI: FakeAI };
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  /** Sent as-is (a string) instead of JSON-encoding `body`. */
  raw?: BodyInit;
  headers?: Record<string, string>;
  /** Leave out the Authorization header. */
  anonymous?: boolean;
}

/** One HTTP request to the Worker, as a client sends it. */
export async function call(env: Env, path: string, opts: CallOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (!opts.anonymous && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
    headers.authorization = `Bearer ${KEY}`;
  }
  let body: BodyInit | undefined = opts.raw;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const method = opts.method ?? (body === undefined ? 'GET' : 'POST');
  // The static assets (the pages) are part of every deployment, as wrangler.toml's [assets] makes them.
  if (!('ASSETS' in env)) env.ASSETS = poolEnv.ASSETS;
  const ctx = createExecutionContext();
  // The dev entry, as the tests' main: envs without a transport get the emulator (test/index.test.ts covers production).
  const res = await devWorker.fetch(new Request(`http://proxy.test${path}`, { method, headers, body }), env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export const postJson = (env: Env, path: string, body: unknown, opts: CallOptions = {}) => call(env, path, { ...opts, body });

/** Parses the body as JSON and checks it against the named schema of the OpenAI spec. */
export async function jsonOf<T = any>(res: Response, schema?: SchemaName): Promise<T> {
  const body = await res.json();
  if (schema) expectSchema(schema, body);
  return body as T;
}

/** Asserts an OpenAI-shaped error with the given status, and returns its `error` object. */
export async function expectError(res: Response, status: number, expected: { code?: string | null; type?: string; param?: string | null; message?: RegExp } = {}) {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected HTTP ${status}, got ${res.status}: ${text}`);
  if (!/application\/json/.test(res.headers.get('content-type') ?? '')) throw new Error(`error is not JSON: ${res.headers.get('content-type')}`);
  const body = JSON.parse(text);
  expectSchema('ErrorResponse', body);
  const keys = Object.keys(body.error).sort().join(',');
  if (keys !== 'code,message,param,type') throw new Error(`error keys are ${keys}`);
  const { error } = body;
  if (expected.code !== undefined && error.code !== expected.code) throw new Error(`code ${error.code} != ${expected.code}: ${text}`);
  if (expected.type !== undefined && error.type !== expected.type) throw new Error(`type ${error.type} != ${expected.type}: ${text}`);
  if (expected.param !== undefined && error.param !== expected.param) throw new Error(`param ${error.param} != ${expected.param}: ${text}`);
  if (expected.message && !expected.message.test(error.message)) throw new Error(`message ${JSON.stringify(error.message)} !~ ${expected.message}`);
  return error as { message: string; type: string; param: string | null; code: string | null };
}

export interface SseEvent {
  data: string;
  json?: any;
}

/**
 * Reads an SSE response fully and checks the framing strictly: every event is `data: ...`
 * followed by a blank line, nothing else.
 */
export async function sseEvents(res: Response): Promise<SseEvent[]> {
  const text = await res.text();
  if (!text.endsWith('\n\n')) throw new Error(`stream does not end with a blank line: ${JSON.stringify(text.slice(-40))}`);
  return text
    .slice(0, -2)
    .split('\n\n')
    .map((block) => {
      if (!block.startsWith('data: ') || block.includes('\n')) throw new Error(`bad SSE event framing: ${JSON.stringify(block)}`);
      const data = block.slice(6);
      return data === '[DONE]' ? { data } : { data, json: JSON.parse(data) };
    });
}

/** The chunks of an OpenAI chat stream: strict SSE framing, `[DONE]` last, every chunk valid by OpenAI's spec. */
export async function chatChunks(res: Response): Promise<any[]> {
  const events = await sseEvents(res);
  if (events.at(-1)?.data !== '[DONE]') throw new Error(`the stream does not end with [DONE]: ${JSON.stringify(events.at(-1))}`);
  const chunks = events.slice(0, -1).map((e) => e.json);
  for (const c of chunks) expectSchema('CreateChatCompletionStreamResponse', c);
  return chunks;
}
