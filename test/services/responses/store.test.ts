/**
 * The response store (RESPONSES_STORE, a real local KV namespace here): what the Vercel AI SDK's
 * default `store: true` sends after the first turn (item references), previous_response_id,
 * GET / DELETE /v1/responses/{id}, scoping by API key, expiry, and the emulator's in-memory store.
 */
import { env as poolEnv } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../../src/env';
import { fakeAI, tokenStream, failingStream } from '../../support/fake-ai';
import { bindingEnv, call, expectError, jsonOf, KEY, postJson } from '../../support/http';
import { responseEvents } from '../../support/responses-sse';

const MODEL = '@cf/meta/llama-3.1-8b-instruct';
const TOOLS_MODEL = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';
const KIMI = '@cf/moonshotai/kimi-k2.6';
const usage = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 };
const weather = { type: 'function', name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } };
const OTHER_KEY = 'sk-test-key-2';

/** Binding transport with the pool's KV as RESPONSES_STORE; two accepted client keys. */
const storeEnv = (ai: ReturnType<typeof fakeAI>, extra: Partial<Env> = {}) =>
  bindingEnv(ai, { RESPONSES_STORE: poolEnv.RESPONSES_STORE_KV, PROXY_API_KEY: `${KEY},${OTHER_KEY}`, ...extra });
const as = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
const create = (e: Env, body: Record<string, unknown>, opts = {}) => postJson(e, '/v1/responses', { model: MODEL, ...body }, opts);
const text = (t: string) => () => ({ response: t, usage });

describe('responses store: what the Vercel AI SDK sends with store: true', () => {
  it('a two-turn chat: turn 2 refers to turn 1 message by id, and the model gets its text', async () => {
    const ai = fakeAI(text('Paris is the capital.'));
    const e = storeEnv(ai);
    // The SDK sends no `store` at all by default: OpenAI's default is true.
    const first = await jsonOf(await create(e, { input: [{ role: 'user', content: [{ type: 'input_text', text: 'Capital of France?' }] }] }), 'Response');
    expect(first.store).toBe(true);
    const msg = first.output[0];
    expect(msg).toMatchObject({ type: 'message', id: expect.stringMatching(/^msg_[0-9a-f]{33}$/) });

    const second = await jsonOf(
      await create(e, {
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'Capital of France?' }] },
          { type: 'item_reference', id: msg.id },
          { role: 'user', content: [{ type: 'input_text', text: 'And its population?' }] },
        ],
      }),
      'Response',
    );
    expect(second.status).toBe('completed');
    expect(ai.calls[1]!.inputs.messages).toEqual([
      { role: 'user', content: 'Capital of France?' },
      { role: 'assistant', content: 'Paris is the capital.' },
      { role: 'user', content: 'And its population?' },
    ]);
  });

  it('a multi-step tool loop: references to the reasoning and function_call items, then the output', async () => {
    let step = 0;
    const call = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };
    const ai = fakeAI(() =>
      step++ === 0
        ? { choices: [{ index: 0, message: { role: 'assistant', content: null, reasoning_content: 'Need weather.', tool_calls: [call] }, finish_reason: 'tool_calls' }], usage }
        : { choices: [{ index: 0, message: { role: 'assistant', content: 'It is 18C.' }, finish_reason: 'stop' }], usage },
    );
    const e = storeEnv(ai);
    const first = await jsonOf(await create(e, { model: KIMI, input: 'Weather in Paris?', tools: [weather] }), 'Response');
    const [rs, fc] = [first.output.find((o: any) => o.type === 'reasoning'), first.output.find((o: any) => o.type === 'function_call')];
    expect(rs).toBeDefined();
    expect(fc).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}' });

    const input = [
      { role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
      { type: 'item_reference', id: rs.id },
      { type: 'item_reference', id: fc.id },
      { type: 'function_call_output', call_id: fc.call_id, output: '18C' },
    ];
    const second = await jsonOf(await create(e, { model: KIMI, input, tools: [weather] }), 'Response');
    expect(second.output_text).toBe('It is 18C.');
    const sent = ai.calls[1]!.inputs.messages;
    expect(sent[1]).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] });
    expect(sent[2]).toMatchObject({ role: 'tool', tool_call_id: 'call_1', content: '18C' });
    // The reasoning reference is skipped (reasoning is not sent back), as without a store.
    expect(JSON.stringify(sent)).not.toContain('Need weather');
  });

  it('a streamed turn is stored before response.completed is sent, and says store: true', async () => {
    const ai = fakeAI((_, inputs) => (inputs.stream ? tokenStream(['Hel', 'lo'], usage) : { response: 'More.', usage }));
    const e = storeEnv(ai);
    const events = await responseEvents(await create(e, { input: 'Hi', stream: true }));
    const completed = events.at(-1);
    expect(completed.type).toBe('response.completed');
    expect(completed.response.store).toBe(true);
    expect(events[0].response.store).toBe(true);
    const id = completed.response.id;
    const msgId = completed.response.output[0].id;
    // Read at once: nothing is left in flight after the stream ends.
    const got = await jsonOf(await call(e, `/v1/responses/${id}`), 'Response');
    expect(got).toEqual(completed.response);
    expect(got.output[0].content[0].text).toBe('Hello');

    const next = await jsonOf(await create(e, { input: [{ type: 'item_reference', id: msgId }, { role: 'user', content: 'more' }] }), 'Response');
    expect(next.status).toBe('completed');
    expect(ai.calls[1]!.inputs.messages[0]).toEqual({ role: 'assistant', content: 'Hello' });
  });

  it('store: false is not stored, and says so', async () => {
    const e = storeEnv(fakeAI(text('x')));
    const body = await jsonOf(await create(e, { input: 'Hi', store: false }), 'Response');
    expect(body.store).toBe(false);
    await expectError(await call(e, `/v1/responses/${body.id}`), 404, { code: 'response_not_found' });
    await expectError(await create(e, { input: [{ type: 'item_reference', id: body.output[0].id }] }), 400, { code: 'item_not_found', param: 'input[0]' });
    const events = await responseEvents(await create(e, { input: 'Hi', store: false, stream: true }));
    expect(events.at(-1).response.store).toBe(false);
  });
});

describe('responses store: previous_response_id', () => {
  it('continues the stored conversation: input, output and the new input, without the old instructions', async () => {
    let n = 0;
    const ai = fakeAI(() => ({ response: `answer ${++n}`, usage }));
    const e = storeEnv(ai);
    const first = await jsonOf(await create(e, { instructions: 'Be brief.', input: 'one' }), 'Response');
    const second = await jsonOf(await create(e, { previous_response_id: first.id, input: 'two' }), 'Response');
    expect(second.previous_response_id).toBe(first.id);
    const third = await jsonOf(await create(e, { previous_response_id: second.id, instructions: 'New rules.', input: [{ role: 'user', content: 'three' }], stream: false }), 'Response');
    expect(third.output_text).toBe('answer 3');
    expect(ai.calls[2]!.inputs.messages).toEqual([
      { role: 'system', content: 'New rules.' },
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'answer 1' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: 'answer 2' },
      { role: 'user', content: 'three' },
    ]);
  });

  it('continues a tool call: the function_call_output answers the stored call', async () => {
    let step = 0;
    const ai = fakeAI(() => (step++ === 0 ? { response: '', tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], usage } : { response: 'Mild.', usage }));
    const e = storeEnv(ai);
    const events = await responseEvents(await create(e, { model: TOOLS_MODEL, input: 'Weather?', tools: [weather], stream: true }));
    const first = events.at(-1).response;
    const call1 = first.output.find((o: any) => o.type === 'function_call');
    const second = await jsonOf(
      await create(e, { model: TOOLS_MODEL, tools: [weather], previous_response_id: first.id, input: [{ type: 'function_call_output', call_id: call1.call_id, output: '18C' }] }),
      'Response',
    );
    expect(second.output_text).toBe('Mild.');
    expect(ai.calls[1]!.inputs.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'tool']);
  });

  it('an unknown previous_response_id is a 400 naming it', async () => {
    const ai = fakeAI();
    const e = storeEnv(ai);
    for (const id of ['resp_0123456789abcdef0123456789abcdef', 'resp_1', 'not-an-id']) {
      const err = await expectError(await create(e, { previous_response_id: id, input: 'x' }), 400, { code: 'previous_response_not_found', param: 'previous_response_id' });
      expect(err.message).toContain(id);
      expect(err.message).toMatch(/expire after 30 days/);
    }
    expect(ai.calls).toHaveLength(0);
  });
});

describe('responses store: GET and DELETE /v1/responses/{id}', () => {
  it('GET answers the stored Response; DELETE removes it and its items', async () => {
    const e = storeEnv(fakeAI(text('Stored.')));
    const body = await jsonOf(await create(e, { input: 'Hi', metadata: { k: 'v' } }), 'Response');
    const got = await jsonOf(await call(e, `/v1/responses/${body.id}`), 'Response');
    expect(got).toEqual(body);
    // Without the /v1 prefix too.
    expect((await call(e, `/responses/${body.id}`)).status).toBe(200);

    const del = await call(e, `/v1/responses/${body.id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await del.json()).toEqual({ id: body.id, object: 'response', deleted: true });
    await expectError(await call(e, `/v1/responses/${body.id}`), 404, { code: 'response_not_found', param: 'response_id', message: /expire after 30 days/ });
    await expectError(await call(e, `/v1/responses/${body.id}`, { method: 'DELETE' }), 404, { code: 'response_not_found' });
    await expectError(await create(e, { input: [{ type: 'item_reference', id: body.output[0].id }] }), 400, { code: 'item_not_found' });
  });

  it('unknown and malformed ids are 404s; stream=true is refused', async () => {
    const e = storeEnv(fakeAI());
    for (const id of ['resp_0123456789abcdef0123456789abcdef', 'resp_x', 'msg_123', '..%2F..%2Fetc']) {
      await expectError(await call(e, `/v1/responses/${id}`), 404, { code: 'response_not_found', param: 'response_id' });
      await expectError(await call(e, `/v1/responses/${id}`, { method: 'DELETE' }), 404, { code: 'response_not_found' });
    }
    const body = await jsonOf(await create(e, { input: 'Hi' }), 'Response');
    await expectError(await call(e, `/v1/responses/${body.id}?stream=true`), 400, { code: 'unsupported_parameter', param: 'stream' });
  });
});

describe('responses store: scoping and expiry', () => {
  it('one API key cannot read, continue, refer to or delete what another stored', async () => {
    const ai = fakeAI(text('secret'));
    const e = storeEnv(ai);
    const mine = await jsonOf(await create(e, { input: 'Hi' }), 'Response');
    const other = as(OTHER_KEY);
    await expectError(await call(e, `/v1/responses/${mine.id}`, other), 404, { code: 'response_not_found' });
    await expectError(await call(e, `/v1/responses/${mine.id}`, { method: 'DELETE', ...other }), 404, { code: 'response_not_found' });
    await expectError(await create(e, { previous_response_id: mine.id, input: 'x' }, other), 400, { code: 'previous_response_not_found' });
    await expectError(await create(e, { input: [{ type: 'item_reference', id: mine.output[0].id }] }, other), 400, { code: 'item_not_found' });
    // Still there for its owner.
    expect((await call(e, `/v1/responses/${mine.id}`)).status).toBe(200);
  });

  it('records expire after RESPONSES_STORE_TTL_SECONDS (default 30 days)', async () => {
    const kv = poolEnv.RESPONSES_STORE_KV;
    const expiryOf = async (id: string) => (await kv.list({ prefix: 'responses/' })).keys.find((k) => k.name.endsWith(id))?.expiration;
    const now = Date.now() / 1000;
    const def = await jsonOf(await create(storeEnv(fakeAI()), { input: 'Hi' }), 'Response');
    expect(await expiryOf(def.id)).toBeGreaterThanOrEqual(Math.floor(now + 30 * 86400) - 5);
    const short = await jsonOf(await create(storeEnv(fakeAI(), { RESPONSES_STORE_TTL_SECONDS: '3600' }), { input: 'Hi' }), 'Response');
    const exp = (await expiryOf(short.id))!;
    expect(exp).toBeGreaterThanOrEqual(Math.floor(now + 3600) - 5);
    expect(exp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000 + 3600) + 5);
    // Stored under the key fingerprint, never the key itself.
    const names = (await kv.list({ prefix: 'responses/' })).keys.map((k) => k.name);
    expect(names.every((n) => /^responses\/key:[0-9a-f]{16}\/resp_[0-9a-f]{32}$/.test(n))).toBe(true);
    expect(names.join()).not.toContain(KEY);
  });

  it.each(['30', '0', 'abc', '-5'])('RESPONSES_STORE_TTL_SECONDS=%s is a clear misconfiguration', async (ttl) => {
    const err = await expectError(await create(storeEnv(fakeAI(), { RESPONSES_STORE_TTL_SECONDS: ttl }), { input: 'Hi' }), 500, { code: 'proxy_misconfigured' });
    expect(err.message).toMatch(/RESPONSES_STORE_TTL_SECONDS/);
  });
});

describe('responses store: bad input', () => {
  it('an unknown item reference is a 400 naming the id, how long items live and when they are stored', async () => {
    const ai = fakeAI();
    const e = storeEnv(ai);
    for (const id of ['msg_0123456789abcdef0123456789abcdef0', 'msg_1', 'fc_nothing', 'call_1', '']) {
      const err = await expectError(await create(e, { input: [{ role: 'user', content: 'x' }, { type: 'item_reference', id }] }), 400, { code: 'item_not_found', param: 'input[1]' });
      expect(err.message).toContain(`'${id}'`);
      expect(err.message).toMatch(/store: true.*RESPONSES_STORE.*expire after 30 days/);
    }
    // A reference to a reasoning item is skipped, found or not (reasoning is never sent back).
    expect((await create(e, { input: [{ type: 'item_reference', id: 'rs_gone' }, { role: 'user', content: 'x' }] })).status).toBe(200);
    expect(ai.calls).toHaveLength(1);
  });

  it('a malformed reference or previous_response_id is a schema 400', async () => {
    const e = storeEnv(fakeAI());
    await expectError(await create(e, { input: [{ type: 'item_reference' }] }), 400, { param: 'input[0].id' });
    await expectError(await create(e, { input: [{ type: 'item_reference', id: 42 }] }), 400, { param: 'input[0].id' });
    await expectError(await create(e, { input: 'x', previous_response_id: 42 }), 400, { param: 'previous_response_id' });
  });

  it('a failed response is not stored', async () => {
    const ai = fakeAI(() => {
      throw new Error('boom');
    });
    const e = storeEnv(ai);
    const count = async () => (await poolEnv.RESPONSES_STORE_KV.list({ prefix: 'responses/' })).keys.length;
    const before = await count();
    const res = await create(e, { input: 'Hi' });
    expect(res.status).toBeGreaterThanOrEqual(500);
    const events = await responseEvents(await create(storeEnv(fakeAI(() => failingStream('data: {"response":"Hel"}\n\n'))), { input: 'Hi', stream: true }));
    expect(events.at(-1).type).toBe('response.failed');
    expect(await count()).toBe(before);
  });
});

describe('responses store: the emulator keeps responses in memory', () => {
  it('two turns by item reference, previous_response_id, GET and DELETE, with no binding', async () => {
    const e = { LOG_REQUESTS: 'false' } as Env;
    const first = await jsonOf(await create(e, { model: 'gpt-4o-mini', input: 'Hello' }), 'Response');
    expect(first.store).toBe(true);
    const second = await jsonOf(
      await create(e, { model: 'gpt-4o-mini', input: [{ role: 'user', content: 'Hello' }, { type: 'item_reference', id: first.output[0].id }, { role: 'user', content: 'Again' }] }),
      'Response',
    );
    expect(second.output_text).toContain('synthetic reply');
    const events = await responseEvents(await create(e, { model: 'gpt-4o-mini', previous_response_id: second.id, input: 'Third', stream: true }));
    const third = events.at(-1).response;
    expect(third).toMatchObject({ store: true, previous_response_id: second.id });
    expect(await jsonOf(await call(e, `/v1/responses/${third.id}`), 'Response')).toEqual(third);
    expect((await call(e, `/v1/responses/${third.id}`, { method: 'DELETE' })).status).toBe(200);
    await expectError(await call(e, `/v1/responses/${third.id}`), 404, { code: 'response_not_found', message: /in memory/ });
  });
});

describe('responses store: binding transport without RESPONSES_STORE', () => {
  it('reports store: false and refuses references with how to fix it', async () => {
    const e = bindingEnv(fakeAI());
    const body = await jsonOf(await create(e, { input: 'Hi', store: true }), 'Response');
    expect(body.store).toBe(false);
    await expectError(await create(e, { input: [{ type: 'item_reference', id: body.output[0].id }] }), 400, {
      code: 'unsupported_parameter',
      param: 'input[0]',
      message: /nothing is stored.*RESPONSES_STORE.*bind it.*store: false/,
    });
  });
});
