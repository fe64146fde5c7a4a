import { env as poolEnv } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../../src/env';
import type { CatalogModel } from '../../../src/services/upstream/types';
import PRICED from '../../fixtures/catalog/priced-models.json';
import { fakeAI, gatedStream, tokenStream } from '../../support/fake-ai';
import { bindingEnv, call, expectError, jsonOf, postJson, sseEvents, type CallOptions } from '../../support/http';

// Costs come from recorded catalog prices (test/fixtures/catalog/SOURCE.md), as in the billing tests.
const CATALOG = PRICED as unknown as CatalogModel[];
const rate = (name: string, unit: string): number =>
  (CATALOG.find((m) => m.name === name)!.properties.find((p) => p.property_id === 'price')!.value as { unit: string; price: number }[]).find((p) => p.unit === unit)!.price;
const LLAMA = '@cf/meta/llama-3.3-70b-instruct-fp8-fast';
const BGE = '@cf/baai/bge-base-en-v1.5';
const USAGE = { prompt_tokens: 21, completion_tokens: 4, total_tokens: 25 };
/** What one chat answer with USAGE costs on LLAMA. */
const COST = (21 * rate(LLAMA, 'per M input tokens') + 4 * rate(LLAMA, 'per M output tokens')) / 1e6;

const ADMIN = 'sk-admin-test-secret';
type Handler = Parameters<typeof fakeAI>[0];
const reply: Handler = () => ({ response: 'Hello!', usage: USAGE });

/** The binding transport with managed keys on: the pool's KV and the KeyLedger Durable Object in workerd. */
function keysEnv(handler: Handler = reply, extra: Partial<Env> = {}) {
  const ai = fakeAI(handler, CATALOG);
  return { ai, env: bindingEnv(ai, { KEYS: poolEnv.KEYS_KV, KEY_LEDGER: poolEnv.KEY_LEDGER, ADMIN_API_KEY: ADMIN, ...extra }) };
}

const asAdmin = (env: Env, path: string, opts: CallOptions = {}) => call(env, path, { ...opts, headers: { authorization: `Bearer ${ADMIN}`, ...opts.headers } });

async function newKey(env: Env, body: Record<string, unknown>): Promise<{ id: string; secret: string; [k: string]: any }> {
  const res = await asAdmin(env, '/admin/keys', { body });
  expect(res.status).toBe(201);
  return res.json();
}

const bearer = (secret: string) => ({ headers: { authorization: `Bearer ${secret}` } });
const chat = (env: Env, secret: string, extra: Record<string, unknown> = {}) =>
  postJson(env, '/v1/chat/completions', { model: LLAMA, messages: [{ role: 'user', content: 'Hi' }], ...extra }, bearer(secret));
/** `count` chats sent at once with `secret`; `release` is called when `releaseAt` of them are answered. */
const sendBurst = (env: Env, secret: string, count: number, releaseAt: number, release: () => void) => {
  let answered = 0;
  return Promise.all(
    Array.from({ length: count }, () =>
      chat(env, secret).then((r) => {
        if (++answered === releaseAt) release();
        return r;
      }),
    ),
  );
};
const usageOf = async (env: Env, id: string) => jsonOf(await asAdmin(env, `/admin/usage?key=${id}`));
const nextUtcMidnight = () => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)).toISOString();
};

describe('admin API auth', () => {
  it('is off (404, saying how to turn it on) without ADMIN_API_KEY, even with the bindings', async () => {
    const { env } = keysEnv(reply, { ADMIN_API_KEY: undefined });
    await expectError(await asAdmin(env, '/admin/keys'), 404, { code: 'admin_api_disabled', message: /ADMIN_API_KEY/ });
    await expectError(await call(env, '/admin/keys', { anonymous: true, body: { name: 'x' } }), 404, { code: 'admin_api_disabled' });
  });

  it('refuses a missing or wrong admin key, and a client key', async () => {
    const { env } = keysEnv();
    await expectError(await call(env, '/admin/keys', { anonymous: true }), 401, { code: 'missing_api_key' });
    await expectError(await call(env, '/admin/keys', bearer(`${ADMIN}x`)), 401, { code: 'invalid_admin_key' });
    // The proxy's own client key (PROXY_API_KEY) is not an admin key.
    await expectError(await call(env, '/admin/usage'), 401, { code: 'invalid_admin_key' });
    const { secret } = await newKey(env, { name: 'client' });
    await expectError(await call(env, '/admin/keys', bearer(secret)), 401, { code: 'invalid_admin_key' });
  });

  it('says which bindings are needed when managed keys are not configured', async () => {
    const { env } = keysEnv(reply, { KEYS: undefined });
    await expectError(await asAdmin(env, '/admin/keys'), 503, { code: 'managed_keys_not_configured', message: /KEYS and KEY_LEDGER/ });
  });
});

describe('the admin page', () => {
  it('is served from the static assets, self-contained, and talks only to the admin API', async () => {
    const res = await call(keysEnv().env, '/admin', { anonymous: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
    const html = await res.text();
    expect(html).toContain("createElementNS(ns, 'svg')");
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    for (const path of ["'/admin/keys'", "'/admin/usage?'"]) expect(html).toContain(path);
  });
});

describe('admin API input', () => {
  it('answers bad bodies with a 400 naming the field', async () => {
    const { env } = keysEnv();
    await expectError(await asAdmin(env, '/admin/keys', { body: {} }), 400, { param: 'name' });
    await expectError(await asAdmin(env, '/admin/keys', { body: { name: '   ' } }), 400, { param: 'name' });
    await expectError(await asAdmin(env, '/admin/keys', { body: { name: 'a', daily_budget_usd: -1 } }), 400, { param: 'daily_budget_usd' });
    await expectError(await asAdmin(env, '/admin/keys', { body: { name: 'a', rpm: 1.5 } }), 400, { param: 'rpm' });
    await expectError(await asAdmin(env, '/admin/keys', { body: { name: 'a', models: '@cf/meta/*' } }), 400, { param: 'models' });
    // Refused, never silently dropped.
    await expectError(await asAdmin(env, '/admin/keys', { body: { name: 'a', budget: 5 } }), 400);
    await expectError(await asAdmin(env, '/admin/keys', { raw: '{"name":', headers: { 'content-type': 'application/json' } }), 400, { code: 'invalid_json' });
    const { id } = await newKey(env, { name: 'patch me' });
    await expectError(await asAdmin(env, `/admin/keys/${id}`, { method: 'PATCH', body: { expires_at: 'tomorrow' } }), 400, { param: 'expires_at' });
  });

  it('answers bad usage queries with a 400 naming the parameter', async () => {
    const { env } = keysEnv();
    await expectError(await asAdmin(env, '/admin/usage?from=2026-13-01'), 400, { param: 'from' });
    await expectError(await asAdmin(env, '/admin/usage?to=yesterday'), 400, { param: 'to', message: /^expected a date as YYYY-MM-DD$/ });
    await expectError(await asAdmin(env, '/admin/usage?from=2026-12-02&to=2026-12-01'), 400, { param: 'from' });
    await expectError(await asAdmin(env, '/admin/usage?from=2024-01-01&to=2026-12-01'), 400, { param: 'from' });
    await expectError(await asAdmin(env, '/admin/usage?since=2026-12-01'), 400);
    await expectError(await asAdmin(env, '/admin/usage?key=key_0000000000000000'), 404, { code: 'key_not_found' });
  });
});

describe('admin API: keys', () => {
  it('creates, reads, lists, updates and deletes a key; the secret is shown once and never stored', async () => {
    const { env } = keysEnv();
    const created = await newKey(env, { name: 'family', models: ['@cf/meta/*'], daily_budget_usd: 1, monthly_budget_usd: 10, rpm: 30, expires_at: 4102444800 });
    expect(created).toMatchObject({ object: 'managed_key', name: 'family', models: ['@cf/meta/*'], daily_budget_usd: 1, monthly_budget_usd: 10, rpm: 30, expires_at: 4102444800, disabled: false });
    expect(created.id).toMatch(/^key_[0-9a-f]{16}$/);
    expect(created.secret).toMatch(/^sk-wai-[\w-]{32}$/);
    expect(created.redacted_value).toBe(`${created.secret.slice(0, 7)}...${created.secret.slice(-4)}`);
    expect(created).not.toHaveProperty('hash');
    const { secret, ...shown } = created;

    const got = await jsonOf(await asAdmin(env, `/admin/keys/${created.id}`));
    expect(got).toEqual(shown);
    const listed = await jsonOf(await asAdmin(env, '/admin/keys'));
    expect(listed.object).toBe('list');
    expect(listed.data).toContainEqual(shown);
    // KV holds the definition under the secret's digest, without the secret.
    const stored = await poolEnv.KEYS_KV.list({ prefix: 'key:' });
    const raw = await Promise.all(stored.keys.map((k) => poolEnv.KEYS_KV.get(k.name)));
    expect(raw.some((v) => v!.includes(created.id))).toBe(true);
    expect(raw.some((v) => v!.includes(secret))).toBe(false);

    const patched = await jsonOf(await asAdmin(env, `/admin/keys/${created.id}`, { method: 'PATCH', body: { name: 'family (kids)', rpm: null } }));
    expect(patched).toEqual({ ...shown, name: 'family (kids)', rpm: null });
    expect((await chat(env, secret)).status).toBe(200);

    const deleted = await jsonOf(await asAdmin(env, `/admin/keys/${created.id}`, { method: 'DELETE' }));
    expect(deleted).toEqual({ object: 'managed_key.deleted', id: created.id, deleted: true });
    await expectError(await asAdmin(env, `/admin/keys/${created.id}`), 404, { code: 'key_not_found' });
    await expectError(await asAdmin(env, `/admin/keys/${created.id}`, { method: 'PATCH', body: { name: 'x' } }), 404, { code: 'key_not_found' });
    await expectError(await chat(env, secret), 401, { code: 'invalid_api_key' });
  });
});

describe('managed keys', () => {
  it('a managed key chats, and the env key (PROXY_API_KEY) still works beside it', async () => {
    const { env } = keysEnv();
    const { secret } = await newKey(env, { name: 'alice' });
    const res = await chat(env, secret);
    const body = await jsonOf(res, 'CreateChatCompletionResponse');
    expect(body.usage.cost).toBeCloseTo(COST, 15);
    expect((await postJson(env, '/v1/chat/completions', { model: LLAMA, messages: [{ role: 'user', content: 'Hi' }] })).status).toBe(200);
    await expectError(await chat(env, 'sk-wai-not-a-key'), 401, { code: 'invalid_api_key' });
  });

  it("the key's name reaches AI Gateway as the `key` metadata (RequestScope.keyName)", async () => {
    const { env, ai } = keysEnv(reply, { AI_GATEWAY_ID: 'gw' });
    const { secret } = await newKey(env, { name: 'family' });
    expect((await chat(env, secret, { user: 'kid' })).status).toBe(200);
    expect(ai.calls[0]!.options?.gateway).toEqual({ id: 'gw', metadata: { key: 'family', user: 'kid' } });
  });

  it("refuses a model outside the key's allowance with a 403 naming it, before any upstream call", async () => {
    const { env, ai } = keysEnv(() => ({ shape: [1, 3], data: [[0.1, 0.2, 0.3]], usage: { prompt_tokens: 3 } }));
    const { secret } = await newKey(env, { name: 'embedder', models: ['@cf/baai/*', '@cf/openai/gpt-oss-120b'] });
    const refused = await chat(env, secret);
    await expectError(refused, 403, { code: 'model_not_allowed', param: 'model', message: /@cf\/baai\/\*, @cf\/openai\/gpt-oss-120b/ });
    expect(ai.calls).toHaveLength(0);
    expect((await postJson(env, '/v1/embeddings', { model: BGE, input: 'hi' }, bearer(secret))).status).toBe(200);
  });

  it('an expired key and a disabled key answer 401; enabling it again lets it in', async () => {
    const { env } = keysEnv();
    const expired = await newKey(env, { name: 'old', expires_at: Math.floor(Date.now() / 1000) - 60 });
    await expectError(await chat(env, expired.secret), 401, { code: 'key_expired', message: /old\) expired at/ });
    const key = await newKey(env, { name: 'bob' });
    expect((await chat(env, key.secret)).status).toBe(200);
    await asAdmin(env, `/admin/keys/${key.id}`, { method: 'PATCH', body: { disabled: true } });
    await expectError(await chat(env, key.secret), 401, { code: 'key_disabled' });
    await asAdmin(env, `/admin/keys/${key.id}`, { method: 'PATCH', body: { disabled: false } });
    expect((await chat(env, key.secret)).status).toBe(200);
  });

  it('over its requests per minute, a key gets a retryable 429 with Retry-After', async () => {
    const { env } = keysEnv();
    const { secret } = await newKey(env, { name: 'slow', rpm: 2 });
    for (let i = 0; i < 2; i++) expect((await chat(env, secret)).status).toBe(200);
    const limited = await chat(env, secret);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get('x-should-retry')).toBe('true');
    await expectError(limited, 429, { code: 'rate_limit_exceeded', type: 'rate_limit_error', message: /2 requests per minute/ });
  });

  it('over its daily budget: 429 insufficient_quota with the reset time, x-should-retry: false; at most one request over', async () => {
    const { env } = keysEnv();
    const { secret, id } = await newKey(env, { name: 'capped', daily_budget_usd: 2.5 * COST });
    // 0 and 1 x COST spent are under the budget; at 2 x COST the third request still fits (it may overspend by itself, no more).
    for (let i = 0; i < 3; i++) expect((await chat(env, secret)).status).toBe(200);
    const over = await chat(env, secret);
    expect(over.headers.get('x-should-retry')).toBe('false');
    expect(over.headers.get('x-budget-reset')).toBe(nextUtcMidnight());
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    const error = await expectError(over, 429, { code: 'insufficient_quota', type: 'insufficient_quota' });
    expect(error.message).toContain(`resets at ${nextUtcMidnight()}`);
    expect(error.message).toMatch(/capped\) has spent its daily budget/);
    expect((await usageOf(env, id)).total.cost).toBeCloseTo(3 * COST, 15);
  });

  it('a monthly budget resets on the 1st of next month', async () => {
    const { env } = keysEnv();
    const { secret } = await newKey(env, { name: 'monthly', monthly_budget_usd: COST / 2 });
    expect((await chat(env, secret)).status).toBe(200);
    const over = await chat(env, secret);
    const d = new Date();
    const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString();
    expect(over.headers.get('x-budget-reset')).toBe(first);
    await expectError(over, 429, { code: 'insufficient_quota', message: /monthly budget/ });
  });

  it('a failed upstream call and a cancelled stream release their reservation', async () => {
    let mode: 'fail' | 'gated' | 'ok' = 'fail';
    let gate: ReturnType<typeof gatedStream> | undefined;
    const { env } = keysEnv((_m, inputs) => {
      if (mode === 'fail') throw new Error('3040: Capacity temporarily exceeded');
      if (mode === 'gated' && inputs.stream) return (gate = gatedStream(`data: ${JSON.stringify({ response: 'Hel' })}\n\n`, 'data: [DONE]\n\n')).stream;
      return { response: 'Hello!', usage: USAGE };
    });
    // A new key's first request reserves all that is left of its budget (its cost is not known yet).
    const { secret, id } = await newKey(env, { name: 'released', daily_budget_usd: 1 });
    expect((await chat(env, secret)).status).toBe(429);
    mode = 'gated';
    const streaming = await chat(env, secret, { stream: true });
    expect(streaming.status).toBe(200);
    const reader = streaming.body!.getReader();
    let seen = '';
    while (!seen.includes('Hel')) seen += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    gate!.release();
    mode = 'ok';
    // Had either kept its hold, this would be 429 budget_reserved.
    expect((await chat(env, secret)).status).toBe(200);
    expect((await usageOf(env, id)).total.cost).toBeCloseTo(COST, 15);
  });

  it("a stream's cost lands in the ledger when it ends", async () => {
    const { env } = keysEnv(() => tokenStream(['Hel', 'lo'], USAGE));
    const { secret, id } = await newKey(env, { name: 'streamer', daily_budget_usd: 1 });
    const events = await sseEvents(await chat(env, secret, { stream: true, stream_options: { include_usage: true } }));
    const cost = events.at(-2)!.json.usage.cost;
    expect(cost).toBeCloseTo(COST, 15);
    const report = await usageOf(env, id);
    expect(report.total).toMatchObject({ cost, runs: 1, unpriced: 0 });
  });

  it('the usage report totals per model and per day match the costs in the answers', async () => {
    const { env } = keysEnv((model) => (model === BGE ? { shape: [1, 3], data: [[0.1, 0.2, 0.3]], usage: { prompt_tokens: 42 } } : { response: 'Hello!', usage: USAGE }));
    const { secret, id } = await newKey(env, { name: 'reported' });
    const costs: Record<string, number> = { [LLAMA]: 0, [BGE]: 0 };
    for (let i = 0; i < 3; i++) costs[LLAMA] += (await jsonOf(await chat(env, secret))).usage.cost;
    costs[BGE] += (await jsonOf(await postJson(env, '/v1/embeddings', { model: BGE, input: 'hello' }, bearer(secret)))).usage.cost;
    // A chat with n = 2 is two upstream runs.
    costs[LLAMA] += (await jsonOf(await chat(env, secret, { n: 2 }))).usage.cost;

    const report = await usageOf(env, id);
    const today = new Date().toISOString().slice(0, 10);
    expect(report).toMatchObject({ object: 'usage_report', key: id, from: `${today.slice(0, 7)}-01`, to: today });
    expect(report.total.cost).toBeCloseTo(costs[LLAMA]! + costs[BGE]!, 15);
    expect(report.total.runs).toBe(6);
    expect(report.total.neurons).toBeCloseTo(report.total.cost / (0.011 / 1000), 6);
    const byModel = Object.fromEntries(report.models.map((m: any) => [m.model, m]));
    expect(byModel[LLAMA].cost).toBeCloseTo(costs[LLAMA]!, 15);
    expect(byModel[LLAMA].runs).toBe(5);
    expect(byModel[BGE].cost).toBeCloseTo(costs[BGE]!, 15);
    expect(report.days).toHaveLength(1);
    expect(report.days[0].date).toBe(today);
    expect(report.days[0].models[BGE].cost).toBeCloseTo(costs[BGE]!, 15);
    expect(report.keys).toEqual([expect.objectContaining({ id, name: 'reported', runs: 6 })]);
    // All keys: this one is among them, with the same totals.
    const all = await jsonOf(await asAdmin(env, `/admin/usage?from=${today}&to=${today}`));
    expect(all.keys.find((k: any) => k.id === id).cost).toBeCloseTo(report.total.cost, 15);
    // A range without spend is empty, not an error.
    const before = await jsonOf(await asAdmin(env, `/admin/usage?key=${id}&from=2026-01-01&to=2026-01-31`));
    expect(before.total).toEqual({ cost: 0, runs: 0, unpriced: 0, neurons: 0 });
  });
});

describe('the budget under concurrent requests (KeyLedger Durable Object in workerd)', () => {
  it('50 concurrent requests on a key with a budget for exactly 10 never let more than 11 through', async () => {
    // The burst's admitted runs wait until 40 requests are answered (the burst less the 10 that fit,
    // counting the first), so they are all in flight together however slowly they arrive; if more
    // than 10 were admitted, fewer than 40 are answered and the test times out.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let gated = false;
    const { env, ai } = keysEnv(async () => {
      if (gated) await gate;
      return { response: 'Hello!', usage: USAGE };
    });
    const { secret, id } = await newKey(env, { name: 'ten', daily_budget_usd: 10 * COST });
    // One request first, so the ledger knows what a request costs (a new key's first runs alone).
    const first = await chat(env, secret);
    expect(first.status).toBe(200);
    gated = true;
    const burst = await sendBurst(env, secret, 50, 40, release);
    const passed = burst.filter((r) => r.status === 200);
    const through = 1 + passed.length;
    expect(through).toBeLessThanOrEqual(11);
    // The budget is used, not refused wholesale: every request that fits gets through.
    expect(through).toBeGreaterThanOrEqual(10);
    expect(ai.calls).toHaveLength(through);
    const codes: string[] = [];
    for (const refused of burst.filter((r) => r.status !== 200)) codes.push((await expectError(refused, 429)).code!);
    expect(codes.filter((c) => c !== 'budget_reserved' && c !== 'insufficient_quota')).toEqual([]);
    // They really ran together: requests were turned away while the admitted ones were still in flight.
    expect(codes).toContain('budget_reserved');
    const paid = (await jsonOf(first)).usage.cost + (await Promise.all(passed.map((r) => jsonOf(r)))).reduce((sum, b) => sum + b.usage.cost, 0);
    const report = await usageOf(env, id);
    expect(report.total.cost).toBeCloseTo(paid, 15);
    expect(report.total.cost).toBeLessThanOrEqual(11 * COST * (1 + 1e-9));
    // Once they have settled, the budget is spent: the next request is refused for good.
    await expectError(await chat(env, secret), 429, { code: 'insufficient_quota' });
  });

  it('on a new key whose cost is not known yet, a burst lets exactly one through and holds the rest back', async () => {
    // The one admitted run waits until the other 49 are answered, so all 50 are decided while it is
    // in flight however slowly they arrive (a 30 ms run let a loaded machine finish it mid-burst).
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { env } = keysEnv(async () => {
      await gate;
      return { response: 'Hello!', usage: USAGE };
    });
    const { secret } = await newKey(env, { name: 'cold', daily_budget_usd: 10 * COST });
    const burst = await sendBurst(env, secret, 50, 49, release);
    expect(burst.filter((r) => r.status === 200)).toHaveLength(1);
    const held = burst.find((r) => r.status === 429)!;
    expect(held.headers.get('x-should-retry')).toBe('true');
    expect(held.headers.get('retry-after')).toBe('1');
    await expectError(held, 429, { code: 'budget_reserved', type: 'rate_limit_error' });
    // Its cost known, the key runs concurrently again.
    const next = await Promise.all(Array.from({ length: 5 }, () => chat(env, secret)));
    expect(next.every((r) => r.status === 200)).toBe(true);
  });
});
