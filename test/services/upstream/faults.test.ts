/**
 * Faults of the upstream, on both transports that reach a network (binding and REST): every one
 * ends within the configured limit in an OpenAI-shaped error (or an error event, then [DONE]),
 * and the proxy lets go of the upstream (its signal aborted, its stream cancelled). The limits
 * are set small (0.3 s / 0.2 s) so nothing here waits long; no assertion is about time.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { app } from '../../../src/app';
import type { Env } from '../../../src/env';
import { CAPACITY_RETRY_AFTER_SECONDS } from '../../../src/services/upstream/error-table';
import { fakeAI } from '../../support/fake-ai';
import { REST_TOKEN, fakeCloudflareApi, restEnv } from '../../support/fake-rest';
import { HTML_502, closedMidStream, drip, hang, longLine, probe, silentAfter } from '../../support/faults';
import { KEY, bindingEnv, expectError, jsonOf, postJson, sseEvents } from '../../support/http';
import { responseEvents } from '../../support/responses-sse';

const MODEL = '@cf/meta/llama-3.1-8b-instruct';
const LIMITS = { UPSTREAM_TIMEOUT_SECONDS: '0.3', UPSTREAM_IDLE_TIMEOUT_SECONDS: '0.2' };
const chatBody = (stream: boolean) => ({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream });

/** What the fake upstream does with one model run: `signal` is the one the proxy passed. */
type Fault = (signal: AbortSignal | undefined) => unknown;

/**
 * The environment for a transport whose model runs answer with `fault`. Over REST, a stream or
 * object is the 200 body (SSE / envelope) and a Response is sent as it is.
 */
function faulty(transport: 'binding' | 'rest', fault: Fault): Env {
  if (transport === 'binding') {
    return bindingEnv(
      fakeAI((_m, _i, options) => fault(options?.signal)),
      LIMITS,
    );
  }
  const api = fakeCloudflareApi({ token: REST_TOKEN, account: 'acct1' });
  vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const url = new Request(input, init).url;
    if (!url.includes('/ai/run/')) return api.fetch(input, init);
    const out = await fault(init?.signal ?? undefined);
    if (out instanceof Response) return out;
    if (out instanceof ReadableStream) return new Response(out, { headers: { 'content-type': 'text/event-stream' } });
    return Response.json({ result: out, success: true, errors: [], messages: [] });
  });
  return restEnv(LIMITS) as Env;
}

const TRANSPORTS = ['binding', 'rest'] as const;

async function expectStreamError(res: Response, code: string) {
  expect(res.status).toBe(200);
  const events = await sseEvents(res);
  expect(events.at(-1)!.data).toBe('[DONE]');
  const error = events.at(-2)!.json.error;
  expect(error).toMatchObject({ code, type: 'server_error' });
  expect(error.message).toContain(MODEL);
  return events;
}

describe.each(TRANSPORTS)('upstream faults over %s', (transport) => {
  afterEach(() => vi.restoreAllMocks());

  it('an upstream that never answers: 504 upstream_timeout, and the call is aborted', async () => {
    const p = probe();
    const env = faulty(transport, (signal) => hang(p, signal));
    const err = await expectError(await postJson(env, '/v1/chat/completions', chatBody(false)), 504, { code: 'upstream_timeout', type: 'server_error' });
    expect(err.message).toContain('UPSTREAM_TIMEOUT_SECONDS');
    expect(p.aborted).toBe(true);
  });

  it('an upstream that never answers a stream request: a 504 before the stream starts', async () => {
    const p = probe();
    const env = faulty(transport, (signal) => hang(p, signal));
    await expectError(await postJson(env, '/v1/chat/completions', chatBody(true)), 504, { code: 'upstream_timeout' });
    expect(p.aborted).toBe(true);
  });

  it('headers, then silence: an error event, [DONE], and the upstream stream cancelled', async () => {
    const p = probe();
    const env = faulty(transport, (signal) => (p.watch(signal), silentAfter(p)));
    await expectStreamError(await postJson(env, '/v1/chat/completions', chatBody(true)), 'upstream_timeout');
    await p.released;
    expect(p.cancelled || p.aborted).toBe(true);
  });

  it('one event, then a stall: the content so far, then the idle-timeout event', async () => {
    const p = probe();
    const env = faulty(transport, (signal) => (p.watch(signal), silentAfter(p, 'data: {"response":"Hel"}\n\n')));
    const events = await expectStreamError(await postJson(env, '/v1/chat/completions', chatBody(true)), 'upstream_timeout');
    expect(events.some((e) => e.json?.choices?.[0]?.delta?.content === 'Hel')).toBe(true);
    expect(events.at(-2)!.json.error.message).toContain('UPSTREAM_IDLE_TIMEOUT_SECONDS');
    await p.released;
  });

  it('a drip of one byte at a time that never completes an event still times out', async () => {
    const p = probe();
    const env = faulty(transport, (signal) => (p.watch(signal), drip(p, 20)));
    await expectStreamError(await postJson(env, '/v1/chat/completions', chatBody(true)), 'upstream_timeout');
    await p.released;
  });

  it('a stream closed without [DONE] ends in upstream_stream_truncated, not a clean finish', async () => {
    const env = faulty(transport, () => closedMidStream([{ response: 'Hel' }, { response: 'lo' }]));
    const events = await expectStreamError(await postJson(env, '/v1/chat/completions', chatBody(true)), 'upstream_stream_truncated');
    expect(events.some((e) => e.json?.choices?.[0]?.finish_reason)).toBe(false);
  });

  it('an OpenAI-shaped stream that ends on its finish_reason is complete without [DONE]', async () => {
    const env = faulty(transport, () => closedMidStream([{ choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }] }, { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }]));
    const events = await sseEvents(await postJson(env, '/v1/chat/completions', chatBody(true)));
    expect(events.some((e) => e.json?.error)).toBe(false);
    expect(events.at(-2)!.json.choices[0].finish_reason).toBe('stop');
  });

  it('one 10 MB line: refused at the event cap with an error event, never buffered whole', async () => {
    const env = faulty(transport, () => longLine(10 * 1024 * 1024));
    await expectStreamError(await postJson(env, '/v1/chat/completions', chatBody(true)), 'upstream_event_too_large');
  });

  it('a 10 MB answer is passed on whole', async () => {
    const env = faulty(transport, () => ({ response: 'z'.repeat(10 * 1024 * 1024) }));
    const body = await jsonOf(await postJson(env, '/v1/chat/completions', chatBody(false)));
    expect(body.choices[0].message.content).toHaveLength(10 * 1024 * 1024);
  });

  it.each([
    ['null', null],
    ['an empty object', {}],
    ['an array', [1, 2]],
  ])('an answer that is %s: 502 naming the model', async (_name, answer) => {
    const env = faulty(transport, () => answer);
    const err = await expectError(await postJson(env, '/v1/chat/completions', chatBody(false)), 502, { type: 'server_error' });
    expect(err.message).toContain(MODEL);
  });

  it('a timeout on the Responses API: error then response.failed', async () => {
    const p = probe();
    const env = faulty(transport, (signal) => (p.watch(signal), silentAfter(p, 'data: {"response":"Hel"}\n\n')));
    const events = await responseEvents(await postJson(env, '/v1/responses', { model: MODEL, input: 'Hi', stream: true }));
    expect(events.at(-2)).toMatchObject({ type: 'error', code: 'upstream_timeout' });
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed' } });
  });

  it('a truncated stream on the Responses API: error then response.failed', async () => {
    const env = faulty(transport, () => closedMidStream([{ response: 'Hel' }]));
    const events = await responseEvents(await postJson(env, '/v1/responses', { model: MODEL, input: 'Hi', stream: true }));
    expect(events.at(-2)).toMatchObject({ type: 'error', code: 'upstream_stream_truncated' });
    expect(events.at(-1)!.type).toBe('response.failed');
  });

  it('Ollama: a stall mid-stream is an NDJSON error line; a hang is a 504 {error}', async () => {
    const p = probe();
    const stalled = faulty(transport, (signal) => (p.watch(signal), silentAfter(p, 'data: {"response":"Hel"}\n\n')));
    const res = await postJson(stalled, '/api/chat', { model: MODEL, messages: [{ role: 'user', content: 'Hi' }] });
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.at(-1)).toEqual({ error: expect.stringContaining('UPSTREAM_IDLE_TIMEOUT_SECONDS') });
    vi.restoreAllMocks();

    const q = probe();
    const hung = faulty(transport, (signal) => hang(q, signal));
    const res2 = await postJson(hung, '/api/chat', { model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: false });
    expect(res2.status).toBe(504);
    expect(await res2.json()).toEqual({ error: expect.stringContaining('UPSTREAM_TIMEOUT_SECONDS') });
    expect(q.aborted).toBe(true);
  });

  it('a client that goes away mid-stream cancels the upstream stream', async () => {
    const p = probe();
    const env = faulty(transport, (signal) => (p.watch(signal), silentAfter(p, 'data: {"response":"Hel"}\n\n')));
    const res = await postJson({ ...env, UPSTREAM_IDLE_TIMEOUT_SECONDS: '30' } as Env, '/v1/chat/completions', chatBody(true));
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    await p.released;
    expect(p.cancelled || p.aborted).toBe(true);
  });

  it('a client that goes away before a non-stream answer aborts the upstream call', async () => {
    const p = probe();
    let called!: () => void;
    const reached = new Promise<void>((r) => (called = r));
    const env = { ...faulty(transport, (signal) => (called(), hang(p, signal))), UPSTREAM_TIMEOUT_SECONDS: '30' } as Env;
    const client = new AbortController();
    const ctx = createExecutionContext();
    const pending = app.fetch(
      new Request('http://proxy.test/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify(chatBody(false)),
        signal: client.signal,
      }),
      env,
      ctx,
    );
    await reached;
    client.abort();
    await Promise.resolve(pending).catch(() => undefined);
    await waitOnExecutionContext(ctx);
    expect(p.aborted).toBe(true);
  });
});

describe('REST error bodies', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['cut-off JSON', () => new Response('{"result":{"response":"Hel', { headers: { 'content-type': 'application/json' } })],
    ['JSON that is not an envelope', () => Response.json({ response: 'Hello' })],
    ['an envelope with result: null', () => Response.json({ result: null, success: true, errors: [], messages: [] })],
  ])('%s: 502 naming the model, never 500 or an empty 200', async (_name, answer) => {
    const env = faulty('rest', answer);
    const err = await expectError(await postJson(env, '/v1/chat/completions', chatBody(false)), 502, { type: 'server_error' });
    expect(err.code).not.toBe('internal_error');
    expect(err.message).toContain(MODEL);
  });

  it('an HTML 502 page is described, never copied into the message', async () => {
    const env = faulty('rest', () => new Response(HTML_502, { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }));
    const err = await expectError(await postJson(env, '/v1/chat/completions', chatBody(false)), 502, { code: 'upstream_error' });
    expect(err.message).not.toMatch(/<|script|alert/);
    expect(err.message).toContain('HTTP 502 Bad Gateway');
  });

  it('an HTML page thrown by the binding is described too', async () => {
    const env = bindingEnv(fakeAI(() => { throw new Error(HTML_502); }), LIMITS);
    const err = await expectError(await postJson(env, '/v1/chat/completions', chatBody(false)), 502);
    expect(err.message).not.toMatch(/<|script|alert/);
  });

  it.each([
    ['a 429 capacity error (3040) with Retry-After: 7', 3040, '7', 429, '7'],
    ['a plain 429 with Retry-After: 7', undefined, '7', 429, '7'],
    ['a plain 429 without Retry-After', undefined, undefined, 429, String(CAPACITY_RETRY_AFTER_SECONDS)],
  ])('%s: the client gets that status and Retry-After', async (_name, code, header, status, sent) => {
    const env = faulty('rest', () =>
      Response.json(
        { result: null, success: false, errors: [{ ...(code && { code }), message: 'Busy' }], messages: [] },
        { status: 429, headers: header === undefined ? {} : { 'retry-after': header } },
      ),
    );
    const res = await postJson(env, '/v1/chat/completions', chatBody(false));
    expect(res.status).toBe(status);
    expect(res.headers.get('retry-after')).toBe(sent);
  });

  it('a binding capacity error (3040) is a 429 with a Retry-After', async () => {
    const env = bindingEnv(fakeAI(() => { throw new Error('3040: Capacity temporarily exceeded'); }), LIMITS);
    const res = await postJson(env, '/v1/chat/completions', chatBody(false));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe(String(CAPACITY_RETRY_AFTER_SECONDS));
  });
});
